package dev.syncplane.temporal.sync;

import static dev.syncplane.temporal.sync.SyncConnectionWorkflowTest.REQUEST;
import static dev.syncplane.temporal.sync.SyncConnectionWorkflowTest.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Determinism of {@link SyncConnectionWorkflowImpl}: a run recorded now, and the history committed in
 * {@code src/test/resources/histories/sync-connection.json}, must both replay against the current code.
 */
@Timeout(30)
class SyncConnectionWorkflowReplayTest {
  static final String COMMITTED_HISTORY = "histories/sync-connection.json";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = SyncConnectionWorkflowTest.extension().build();

  @Test
  void aRecordedRunReplays(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    WorkflowExecutionHistory history = recordScheduledRun(env, client, worker);

    WorkflowReplayer.replayWorkflowExecution(history, SyncConnectionWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SyncConnectionWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SleepsBeforeSync.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /** A run as a connection's Schedule starts it, whose sync succeeds. */
  static WorkflowExecutionHistory recordScheduledRun(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    SyncActivities activities = mock(SyncActivities.class, withSettings().withoutAnnotations());
    when(activities.runSync(any())).thenReturn(new SyncOutcome("SUCCEEDED", 42, null));
    worker.registerActivitiesImplementations(activities);
    env.start();

    SyncConnectionWorkflow workflow = SyncConnectionWorkflowTest.scheduledRun(client, worker, T0);
    WorkflowExecution execution = WorkflowClient.start(workflow::sync, REQUEST);
    assertThat(WorkflowStub.fromTyped(workflow).getResult(10, TimeUnit.SECONDS, SyncOutcome.class).status())
        .isEqualTo("SUCCEEDED");
    return client.fetchHistory(execution.getWorkflowId(), execution.getRunId());
  }

  /** The workflow as it would be if a timer were added before the sync: the committed history no longer fits. */
  public static class SleepsBeforeSync extends SyncConnectionWorkflowImpl {
    @Override
    public SyncOutcome sync(SyncRequest request) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.sync(request);
    }
  }
}
