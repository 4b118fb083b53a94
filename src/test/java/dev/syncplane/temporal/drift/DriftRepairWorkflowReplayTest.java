package dev.syncplane.temporal.drift;

import static dev.syncplane.temporal.drift.DriftRepairWorkflowTest.SETTINGS;
import static dev.syncplane.temporal.drift.DriftRepairWorkflowTest.WAIT;
import static dev.syncplane.temporal.drift.DriftRepairWorkflowTest.repaired;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DriftKind;
import io.temporal.client.WorkflowClient;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Determinism of {@link DriftRepairWorkflowImpl}: a run recorded now, and the history committed in
 * {@code src/test/resources/histories/drift-repair.json}, must both replay against the current code. To
 * record it again after an intended change (with a versioning plan for running workflows), run this test
 * with {@code -Dsyncplane.recordHistories=true}.
 */
@Timeout(60)
class DriftRepairWorkflowReplayTest {
  static final String COMMITTED_HISTORY = "histories/drift-repair.json";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = DriftRepairWorkflowTest.extension().build();

  @Test
  void aRecordedRunReplays(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    WorkflowExecutionHistory history = recordRepresentativeRun(env, client, worker);

    WorkflowReplayer.replayWorkflowExecution(history, DriftRepairWorkflowImpl.class);
    if (Boolean.getBoolean("syncplane.recordHistories")) {
      Files.writeString(Path.of("src/test/resources", COMMITTED_HISTORY), history.toJson(true));
    }
  }

  @Test
  void theCommittedHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, DriftRepairWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SleepsBeforeScan.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /**
   * Every handler once: repairNow (a deep scan whose suspects go out in two batches), the repair Update
   * (deep, then list-based with suspect customers), repairIntegration, and one periodic run after the
   * interval.
   */
  static WorkflowExecutionHistory recordRepresentativeRun(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    DriftActivities activities = mock(DriftActivities.class, withSettings().withoutAnnotations());
    List<String> suspects = java.util.stream.IntStream.range(0, DriftRepairWorkflowImpl.CHUNK + 1)
        .mapToObj(i -> "int-" + i).toList();
    when(activities.settings()).thenReturn(SETTINGS);
    when(activities.scan(any())).thenReturn(new ScanResult(
        suspects, suspects.size(), 40, 40, suspects.size(), null, java.util.Map.of("int-3", List.of("c1", "c2"))));
    when(activities.repairIntegrations(any())).thenReturn(List.of(repaired("int-0", DriftKind.INTERVAL, 1)));
    worker.registerActivitiesImplementations(activities);
    env.start();
    DriftRepairWorkflow workflow = DriftRepairWorkflowTest.start(client, worker);

    workflow.repairNow();
    verify(activities, timeout(WAIT.toMillis())).store(any());
    assertThat(workflow.repair(null).trigger()).isEqualTo(DriftReport.ON_DEMAND);
    assertThat(workflow.repair("list").deep()).isFalse();
    workflow.repairIntegration("int-7");
    verify(activities, timeout(WAIT.toMillis()).times(4)).store(any());
    env.sleep(Duration.ofMinutes(6));
    verify(activities, timeout(WAIT.toMillis()).times(5)).store(any());
    assertThat(workflow.lastReport().trigger()).isEqualTo(DriftReport.PERIODIC);
    return client.fetchHistory(Names.DRIFT_REPAIR_WORKFLOW_ID);
  }

  /** The workflow as it would be if a timer were added before each scan: the committed history no longer fits. */
  public static class SleepsBeforeScan extends DriftRepairWorkflowImpl {
    @WorkflowInit
    public SleepsBeforeScan(DriftRepairInput input) {
      super(input);
    }

    @Override
    public void repairNow() {
      Workflow.sleep(Duration.ofSeconds(1));
      super.repairNow();
    }
  }
}
