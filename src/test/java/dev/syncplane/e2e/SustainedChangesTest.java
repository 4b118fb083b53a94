package dev.syncplane.e2e;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.Names;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hot integration, changed every {@link #EVERY} for {@link #FOR}: its passes coalesce the changes, and each change is
 * on every Schedule within the bound architecture.md states: the next pass begins at most {@code max(I, d)} after the
 * one under way began, and the change is on every Schedule when it ends, {@code d'} later ({@code d}, {@code d'}: the
 * two passes' durations, here the longest pass's; {@code I}: the pass spacing that follows a pass of {@code d}). On
 * the dev server and, in bin/test's second pass, on the real server.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SustainedChangesTest {
  static final long MIN_INTERVAL_MS = 1_000;
  static final long MAX_INTERVAL_MS = 3_000;
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app(Map.of(
      "fanOut.minPassIntervalMs", Long.toString(MIN_INTERVAL_MS),
      "fanOut.maxPassIntervalMs", Long.toString(MAX_INTERVAL_MS)));
  private static final int CUSTOMERS = 40;
  private static final Duration EVERY = Duration.ofMillis(150);
  private static final Duration FOR = Duration.ofSeconds(12);
  /**
   * What the bound leaves out: the commit's own workflow task and the timer's firing before a pass begins, and its
   * first workflow task (tens of ms each on an idle server, more on 2 busy cores).
   */
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @BeforeAll
  static void migrate() throws Exception {
    APP.getApplication().run("db", "migrate", "config.yml");
  }

  @Test
  void aHotIntegrationsChangesCoalesceAndEachReachesEveryScheduleWithinTheStatedBound() throws Exception {
    String id = integrations.create(newId("hot"), 60_000);
    List<JsonNode> connections = integrations.connect(id, CUSTOMERS);
    Eventually.within(CONVERGE, () -> assertThat(api.get(path(id) + "/status").json().get("inSync").asBoolean()).isTrue());

    List<String> updateIds = new ArrayList<>();
    long end = System.nanoTime() + FOR.toNanos();
    for (int i = 1; System.nanoTime() < end; i++) {
      long next = System.nanoTime() + EVERY.toNanos();
      Response patched = api.patch(path(id), Map.of("periodMs", 60_000 + 1_000L * i), Map.of());
      assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
      updateIds.add(patched.json().at("/update/id").asText());
      long left = next - System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(left); // the client's pace, not a wait for an outcome (nothing if left <= 0)
    }

    List<JsonNode> runs = new ArrayList<>();
    for (String updateId : updateIds) {
      runs.add(Eventually.value(CONVERGE, () -> api.get(path(id) + "/updates/" + updateId).json(),
          r -> "APPLIED".equals(r.path("state").asText())));
    }
    // Every pass that applied one of them, listed as completed (the list is eventually consistent).
    Set<String> applying = runs.stream().map(r -> r.path("workflowId").asText()).collect(Collectors.toSet());
    List<WorkflowExecutionInfo> passes = Eventually.value(CONVERGE,
        () -> ServiceHarness.listWorkflows(Names.updateRunsQuery(id) + " AND WorkflowType = 'PassWorkflow' AND ExecutionStatus = 'Completed'"),
        listed -> listed.stream().map(p -> p.getExecution().getWorkflowId()).collect(Collectors.toSet()).containsAll(applying));

    // The passes coalesced the changes: far fewer passes than changes.
    assertThat(updateIds).hasSizeGreaterThan(40);
    assertThat(passes.size()).as("passes for %d changes", updateIds.size()).isLessThanOrEqualTo(updateIds.size() / 3);

    // Each change, from its commit until its run was APPLIED (every Schedule written), within the stated bound with
    // the longest pass as d and d'.
    long longestPass = passes.stream().mapToLong(SustainedChangesTest::durationMs).max().orElseThrow();
    long interval = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, 2 * longestPass)); // the spacing after it
    long bound = Math.max(interval, longestPass) + longestPass + SLACK.toMillis();
    long slowest = 0;
    for (JsonNode run : runs) {
      long trail = Duration.between(Instant.parse(run.get("createdAt").asText()), Instant.parse(run.get("finishedAt").asText()))
          .toMillis();
      slowest = Math.max(slowest, trail);
      assertThat(trail).as("update %s: commit until applied (longest pass %d ms)", run.get("id").asText(), longestPass)
          .isLessThanOrEqualTo(bound);
    }
    assertThat(slowest).as("the slowest change waited for a pass interval").isGreaterThanOrEqualTo(MIN_INTERVAL_MS / 2);

    System.out.printf("%d changes, %d passes, the longest %d ms; the slowest change applied %d ms after its commit"
        + " (bound %d ms)%n", updateIds.size(), passes.size(), longestPass, slowest, bound);

    // And every Schedule carries the last change (its search attributes as visibility shows them, a moment later).
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
  }

  private static long durationMs(WorkflowExecutionInfo run) {
    return run.getCloseTime().getSeconds() * 1000 + run.getCloseTime().getNanos() / 1_000_000
        - run.getStartTime().getSeconds() * 1000 - run.getStartTime().getNanos() / 1_000_000;
  }
}
