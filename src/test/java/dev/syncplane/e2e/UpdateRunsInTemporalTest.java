package dev.syncplane.e2e;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.core.FieldChange;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.update.DeleteResult;
import dev.syncplane.temporal.update.PassInput;
import dev.syncplane.temporal.update.PassResult;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each update run is an execution of its own in Temporal, as the Temporal UI and {@code temporal workflow list} show
 * them: a pass, a coalesced burst and a delete, listed by {@code IntegrationId} and {@code ConfigVersion}, and read
 * (summary, input, result) through the SDK. On the dev server and, in bin/test's second pass, on the real server.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class UpdateRunsInTemporalTest {
  /** Passes at least 4 s apart: the changes of a burst that follows a pass coalesce into the next one. */
  static final DropwizardAppExtension<SyncplaneConfiguration> APP =
      ServiceHarness.app(Map.of("fanOut.minPassIntervalMs", "4000"));
  private static final Duration CONVERGE = Duration.ofSeconds(60);
  private static final int CUSTOMERS = 3;

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @BeforeAll
  static void migrate() throws Exception {
    APP.getApplication().run("db", "migrate", "config.yml");
  }

  @Test
  void aChangeIsOnePassRunListedByItsVersionWhoseSummaryInputAndResultStateTheChange() {
    String id = integrations.create(newId("runs"), 60_000);
    integrations.connect(id, CUSTOMERS);
    Eventually.within(CONVERGE, () -> assertThat(api.get(path(id) + "/status").json().get("inSync").asBoolean()).isTrue());

    Response patched = api.patch(path(id), Map.of("periodMs", 120_000), Map.of());
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    long version = patched.json().at("/update/version").asLong();
    String updateId = patched.json().at("/update/id").asText();
    JsonNode run = applied(id, updateId);

    // One execution carries this version: a PassWorkflow, completed, with a start and a close.
    WorkflowExecutionInfo pass = Eventually.value(CONVERGE,
        () -> ServiceHarness.listWorkflows(Names.updateRunsQuery(id) + " AND " + Names.CONFIG_VERSION.getName() + " = " + version),
        runs -> runs.size() == 1 && runs.get(0).getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
        .get(0);
    assertThat(pass.getType().getName()).isEqualTo("PassWorkflow");
    assertThat(pass.getExecution().getWorkflowId()).isEqualTo(Names.passWorkflowId(id, version));
    assertThat(pass.hasStartTime()).isTrue();
    assertThat(pass.hasCloseTime()).isTrue();
    // The update run's link opens that very run.
    assertThat(decode(run.get("temporalUiUrl").asText()))
        .endsWith("/workflows/" + pass.getExecution().getWorkflowId() + "/" + pass.getExecution().getRunId() + "/history");

    WorkflowStub stub = stub(pass);
    assertThat(stub.describe().getStaticSummary()).isEqualTo("v" + version + ": periodMs 60000 → 120000");
    PassInput input = input(pass, PassInput.class);
    assertThat(input.version()).isEqualTo(version);
    assertThat(input.changes()).singleElement().satisfies(c -> {
      assertThat(c.updateId()).isEqualTo(updateId);
      assertThat(c.fields()).containsExactly(new FieldChange("periodMs", "60000", "120000"));
    });
    PassResult result = stub.getResult(PassResult.class);
    assertThat(result.version()).isEqualTo(version);
    assertThat(result.total()).isEqualTo(CUSTOMERS);
    assertThat(result.updated()).isEqualTo(CUSTOMERS);
    assertThat(result.failedAttempts()).isZero();
    assertThat(result.updateIds()).containsExactly(updateId);
    integrations.deleteAndWait(id, CONVERGE);
  }

  @Test
  void aBurstOfChangesCoalescesIntoOnePassThatListsEveryUpdateItCarries() {
    String id = integrations.create(newId("burst"), 60_000);
    integrations.connect(id, CUSTOMERS);
    Eventually.within(CONVERGE, () -> assertThat(api.get(path(id) + "/status").json().get("inSync").asBoolean()).isTrue());

    // The first change passes at once; the ones sent right after it wait out the pass interval together.
    List<String> updateIds = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Response patched = api.patch(path(id), Map.of("periodMs", 60_000 + i * 10_000), Map.of());
      assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
      updateIds.add(patched.json().at("/update/id").asText());
    }
    updateIds.forEach(u -> applied(id, u));

    // Every update of the burst was applied by exactly one pass, and its link opens that pass.
    Map<String, WorkflowExecutionInfo> appliedBy = new java.util.HashMap<>();
    WorkflowExecutionInfo coalesced = null;
    List<WorkflowExecutionInfo> passes = Eventually.value(CONVERGE,
        () -> ServiceHarness.listWorkflows(Names.updateRunsQuery(id) + " AND WorkflowType = 'PassWorkflow'"),
        runs -> !runs.isEmpty() && runs.stream().allMatch(
            r -> r.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));
    for (WorkflowExecutionInfo p : passes) {
      PassResult result = stub(p)
          .getResult(PassResult.class);
      for (String u : result.updateIds()) {
        assertThat(appliedBy.put(u, p)).as("update %s applied by two passes", u).isNull();
      }
      if (input(p, PassInput.class).changes().size() >= 2) {
        coalesced = p;
      }
    }
    assertThat(appliedBy).containsKeys(updateIds.toArray(String[]::new));
    for (String u : updateIds) {
      WorkflowExecutionInfo p = appliedBy.get(u);
      assertThat(decode(applied(id, u).get("temporalUiUrl").asText()))
          .endsWith("/workflows/" + p.getExecution().getWorkflowId() + "/" + p.getExecution().getRunId() + "/history");
    }
    // At least two of them coalesced into one pass: its input lists the changes committed since the pass before it
    // began, its summary says so, and ConfigVersion finds it by the newest version it applied. (A change that commits
    // while a pass is starting is applied by that pass already, and listed by the next.)
    assertThat(coalesced).as("a pass started for two changes of the burst or more").isNotNull();
    PassInput input = input(coalesced, PassInput.class);
    assertThat(input.updateIds()).isSubsetOf(updateIds);
    assertThat(input.summary()).startsWith("v" + input.changes().get(0).version() + "–v" + input.version() + " (");
    long version = stub(coalesced)
        .getResult(PassResult.class).version();
    assertThat(ServiceHarness.listWorkflows(Names.updateRunsQuery(id) + " AND " + Names.CONFIG_VERSION.getName() + " = " + version))
        .extracting(r -> r.getExecution().getRunId()).containsExactly(coalesced.getExecution().getRunId());
    integrations.deleteAndWait(id, CONVERGE);
  }

  @Test
  void aDeleteIsARunOfItsOwnThatCountsWhatItDeleted() {
    String id = integrations.create(newId("gone"), 60_000);
    integrations.connect(id, CUSTOMERS);
    Eventually.within(CONVERGE, () -> assertThat(api.get(path(id) + "/status").json().get("inSync").asBoolean()).isTrue());

    Response deleted = api.delete(path(id));
    assertThat(deleted.status()).as(deleted.toString()).isIn(200, 202);
    JsonNode body = deleted.json().has("update") ? deleted.json().get("update") : deleted.json();
    assertThat(decode(body.get("temporalUiUrl").asText())).contains("/workflows/" + Names.deleteWorkflowId(id) + "/");
    Eventually.within(CONVERGE, () -> assertThat(api.get(path(id)).status()).isEqualTo(404));

    WorkflowExecutionInfo delete = Eventually.value(CONVERGE,
        () -> ServiceHarness.listWorkflows(Names.updateRunsQuery(id) + " AND WorkflowType = 'DeleteWorkflow'"),
        runs -> runs.size() == 1 && runs.get(0).getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)
        .get(0);
    assertThat(delete.getExecution().getWorkflowId()).isEqualTo(Names.deleteWorkflowId(id));
    WorkflowStub stub = stub(delete);
    assertThat(stub.describe().getStaticSummary()).isEqualTo("delete " + id + ": every Schedule and connection");
    DeleteResult result = stub.getResult(DeleteResult.class);
    assertThat(result.schedulesDeleted()).isEqualTo(CUSTOMERS);
    assertThat(result.updateId()).isEqualTo(body.get("id").asText());
  }

  /** The update run once its pass has applied it. */
  private JsonNode applied(String id, String updateId) {
    return Eventually.value(CONVERGE, () -> api.get(path(id) + "/updates/" + updateId).json(),
        r -> "APPLIED".equals(r.path("state").asText()));
  }

  /** A stub of that very run. */
  private static WorkflowStub stub(WorkflowExecutionInfo run) {
    return ServiceHarness.workflows().newUntypedWorkflowStub(
        run.getExecution().getWorkflowId(), Optional.of(run.getExecution().getRunId()), Optional.empty());
  }

  /** A run's input, from its first event. */
  private static <T> T input(WorkflowExecutionInfo run, Class<T> type) {
    HistoryEvent started = ServiceHarness.workflows()
        .fetchHistory(run.getExecution().getWorkflowId(), run.getExecution().getRunId()).getEvents().get(0);
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
        0, Optional.of(started.getWorkflowExecutionStartedEventAttributes().getInput()), type, type);
  }

  private static String decode(String url) {
    return URLDecoder.decode(url, StandardCharsets.UTF_8);
  }
}
