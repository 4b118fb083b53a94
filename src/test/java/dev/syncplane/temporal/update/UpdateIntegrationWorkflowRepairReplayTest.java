package dev.syncplane.temporal.update;

import static dev.syncplane.temporal.update.ExecutorFixtures.IDLE_MS;
import static dev.syncplane.temporal.update.ExecutorFixtures.INTEGRATION;
import static dev.syncplane.temporal.update.ExecutorFixtures.schedulesMock;
import static dev.syncplane.temporal.update.ExecutorFixtures.WAIT;
import static dev.syncplane.temporal.update.ExecutorFixtures.executor;
import static dev.syncplane.temporal.update.ExecutorFixtures.freshInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import dev.syncplane.temporal.schedules.DriftKind;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Determinism of the executor's drift-repair path: a run started by the {@code repair} Update (as the
 * drift-repair workflow's activity starts it, with update-with-start), a second repair, then the idle end.
 * Committed in {@code src/test/resources/histories/update-integration-repair.json}; record again with
 * {@code -Dsyncplane.recordHistories=true}.
 */
@Timeout(30)
class UpdateIntegrationWorkflowRepairReplayTest {
  static final String COMMITTED_HISTORY = "histories/update-integration-repair.json";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = ExecutorFixtures.extension().build();

  @Test
  void aRecordedRepairRunReplays(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
    ScheduleActivities schedules = schedulesMock(store);
    IntegrationRepair repaired = new IntegrationRepair(
        INTEGRATION, 3, Map.of(DriftKind.PAUSED, 1), 1, Map.of(DriftKind.PAUSED, List.of("sync:int-1:c1")), 0, null);
    when(schedules.repair(any())).thenReturn(repaired);
    worker.registerActivitiesImplementations(store, schedules);
    env.start();
    UpdateIntegrationWorkflow executor = executor(client, worker);

    IntegrationRepair first =
        WorkflowClient.executeUpdateWithStart(
            executor::repair,
            new RepairCommand(INTEGRATION, "scan-1", 10, false),
            UpdateOptions.newBuilder(IntegrationRepair.class).setUpdateId("drift:scan-1:" + INTEGRATION).build(),
            new WithStartWorkflowOperation<>(executor::run, freshInput()));
    assertThat(first).isEqualTo(repaired);
    assertThat(executor.repair(new RepairCommand(INTEGRATION, "scan-2", 10, false))).isEqualTo(repaired);
    env.sleep(Duration.ofMillis(IDLE_MS + 1_000));
    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    WorkflowExecutionHistory history = client.fetchHistory(Names.updateWorkflowId(INTEGRATION));

    WorkflowReplayer.replayWorkflowExecution(history, UpdateIntegrationWorkflowImpl.class);
    if (Boolean.getBoolean("syncplane.recordHistories")) {
      Files.writeString(Path.of("src/test/resources", COMMITTED_HISTORY), history.toJson(true));
    }
  }

  @Test
  void theCommittedRepairHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, UpdateIntegrationWorkflowImpl.class);
  }

  @Test
  void theCommittedRepairHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SleepsBeforeRepair.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /** The executor as it would be if a timer were added before a repair. */
  public static class SleepsBeforeRepair extends UpdateIntegrationWorkflowImpl {
    @WorkflowInit
    public SleepsBeforeRepair(UpdateWorkflowInput input) {
      super(input);
    }

    @Override
    public IntegrationRepair repair(RepairCommand command) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.repair(command);
    }
  }
}
