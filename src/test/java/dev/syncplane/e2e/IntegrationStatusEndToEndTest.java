package dev.syncplane.e2e;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.Timestamps;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.UpdateRunHistories;
import dev.syncplane.temporal.Names;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a portal shows while a change propagates: {@code /status} and the update run move from
 * "propagating n/N" to "in sync", computed from the DB and from the Schedules in the real dev server.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IntegrationStatusEndToEndTest {
  private static final int CONNECTIONS = 60;
  private static final Duration CONVERGE = Duration.ofSeconds(150);

  /** Small batches and a Schedule RPC budget, so the fan-out takes seconds and can be watched. */
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app(Map.of(
      "fanOut.batchSize", "5",
      "fanOut.parallelism", "2",
      "fanOut.scheduleRpcPerSecond", "20"));

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  /**
   * Each /status lists the integration's Schedules through Temporal's visibility API, which the real server
   * rate-limits (10 requests/s per namespace by default). Forty at once: each answer is 200, or 429 with
   * Retry-After once the bounded retry is spent, never a 5xx.
   */
  @Test
  void fortyConcurrentStatusReadsAnswer200Or429AndNeverA5xx() throws Exception {
    String id = integrations.create(newId("status-burst"), 60_000);
    integrations.connect(id, 3);
    List<Response> answers = dev.syncplane.support.Race.run(40, i -> () -> api.get(path(id) + "/status"));
    long throttled = answers.stream().filter(r -> r.status() == 429).count();
    System.out.printf("40 concurrent GET /status: %d x 200, %d x 429%n", answers.size() - throttled, throttled);
    for (Response r : answers) {
      assertThat(r.status()).as(r.toString()).isIn(200, 429);
      if (r.status() == 429) {
        assertThat(r.header("Retry-After")).as(r.toString()).isNotNull();
        assertThat(r.json().get("code").asText()).isEqualTo("TEMPORAL_THROTTLED");
        assertThat(r.raw()).as("a read's error speaks of no write").doesNotContainIgnoringCase("written")
            .doesNotContainIgnoringCase("Idempotency-Key");
      }
    }
    integrations.deleteAndWait(id, CONVERGE);
  }

  @Test
  void statusShowsPropagationProgressThenInSync() {
    String id = integrations.create(newId("status"), 60_000);
    List<JsonNode> connections = integrations.connect(id, CONNECTIONS, 8);
    Eventually.within(CONVERGE, () -> assertThat(status(id).at("/inSync").asBoolean()).isTrue());

    Response put = api.put(path(id), Map.of("provider", "salesforce", "name", "watched", "periodMs", 120_000), Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String updateId = put.json().at("/update/id").asText();

    // Watch until in sync again, keeping every reading taken while the update was active.
    List<JsonNode> propagating = new ArrayList<>();
    JsonNode last =
        Eventually.value(CONVERGE, () -> {
              JsonNode s = status(id);
              if (!s.get("activeUpdate").isNull()) {
                propagating.add(s);
              }
              return s;
            }, s -> s.at("/inSync").asBoolean() && s.get("activeUpdate").isNull());

    // The run is COMMITTED (nothing counted yet) until its pass starts, then PROPAGATING n/60.
    assertThat(propagating)
        .extracting(s -> s.at("/activeUpdate/state").asText())
        .as("states of the active update")
        .isSubsetOf("COMMITTED", "PROPAGATING")
        .contains("PROPAGATING");
    JsonNode midway =
        propagating.stream().filter(s -> s.at("/activeUpdate/state").asText().equals("PROPAGATING")).findFirst().orElseThrow();
    assertThat(midway.at("/desiredVersion").asLong()).isEqualTo(2);
    assertThat(midway.at("/inSync").asBoolean()).isFalse();
    assertThat(midway.at("/activeUpdate/id").asText()).isEqualTo(updateId);
    assertThat(midway.at("/activeUpdate/schedulesTotal").asInt()).isEqualTo(CONNECTIONS);
    assertThat(midway.at("/activeUpdate/schedulesApplied").asInt()).isLessThan(CONNECTIONS);
    assertThat(midway.at("/schedules/stale").asInt()).as("Schedules still on version 1").isPositive();
    assertThat(propagating)
        .extracting(s -> s.at("/activeUpdate/schedulesApplied").asInt())
        .as("applied never goes back")
        .isSorted();

    assertThat(last.at("/desiredVersion").asLong()).isEqualTo(2);
    assertThat(last.at("/schedules/total").asInt()).isEqualTo(CONNECTIONS);
    assertThat(last.at("/schedules/inSync").asInt()).isEqualTo(CONNECTIONS);
    assertThat(last.at("/schedules/stale").asInt()).isZero();
    assertThat(last.at("/schedules/missing").asInt()).isZero();
    assertThat(last.at("/schedules/drifted").asInt()).isZero();
    JsonNode run = api.get(path(id) + "/updates/" + updateId).json();
    assertThat(run.at("/state").asText()).isEqualTo("APPLIED");
    assertThat(run.at("/schedulesApplied").asInt()).isEqualTo(CONNECTIONS);
    integrations.assertSchedulesMatchDb(id, connections);
    assertPassTookOneActivityPerPage(id, runStartedAt(put));
    integrations.deleteAndWait(id, CONVERGE);
  }

  /**
   * The PUT's pass (a child run of its own) over 60 connections in pages of 5: BeginPass and 11 ContinuePass, the
   * last of which finished it.
   * No empty 13th batch after the last full page, no FinishFanOut of its own.
   */
  private static void assertPassTookOneActivityPerPage(String id, long sinceEpochMillis) {
    List<String> activities = UpdateRunHistories.eventsSince(id, sinceEpochMillis).stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .toList();
    List<String> expected = new ArrayList<>(List.of("BeginPass"));
    expected.addAll(Collections.nCopies(CONNECTIONS / 5 - 1, "ContinuePass"));
    assertThat(activities).as("the pass's activities").containsExactlyElementsOf(expected);
  }

  /** When the PUT's update run was created (it commits in the workflow task that accepts the PUT). */
  private long runStartedAt(Response put) {
    return java.time.Instant.parse(put.json().at("/update/createdAt").asText()).toEpochMilli();
  }

  private JsonNode status(String id) {
    Response r = api.get(path(id) + "/status");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }
}
