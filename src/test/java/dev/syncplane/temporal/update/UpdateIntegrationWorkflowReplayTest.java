package dev.syncplane.temporal.update;

import static dev.syncplane.temporal.update.ExecutorFixtures.INTEGRATION;
import static dev.syncplane.temporal.update.ExecutorFixtures.schedulesMock;
import static dev.syncplane.temporal.update.ExecutorFixtures.WAIT;
import static dev.syncplane.temporal.update.ExecutorFixtures.batch;
import static dev.syncplane.temporal.update.ExecutorFixtures.change;
import static dev.syncplane.temporal.update.ExecutorFixtures.commit;
import static dev.syncplane.temporal.update.ExecutorFixtures.connectCommand;
import static dev.syncplane.temporal.update.ExecutorFixtures.connected;
import static dev.syncplane.temporal.update.ExecutorFixtures.deleted;
import static dev.syncplane.temporal.update.ExecutorFixtures.executor;
import static dev.syncplane.temporal.update.ExecutorFixtures.freshInput;
import static dev.syncplane.temporal.update.ExecutorFixtures.updateRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import dev.syncplane.temporal.Names;
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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Determinism of {@link UpdateIntegrationWorkflowImpl}: a run recorded now, and the history committed in
 * {@code src/test/resources/histories/update-integration.json}, must both replay against the current code.
 * A change to the workflow code that breaks the committed history needs a versioning plan
 * ({@code Workflow.getVersion}) before it can ship, not a new recording.
 */
@Timeout(30)
class UpdateIntegrationWorkflowReplayTest {
  static final String COMMITTED_HISTORY = "histories/update-integration.json";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = ExecutorFixtures.extension().build();

  @Test
  void aRecordedRunReplays(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    WorkflowExecutionHistory history = recordRepresentativeRun(env, client, worker);

    WorkflowReplayer.replayWorkflowExecution(history, UpdateIntegrationWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, UpdateIntegrationWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SleepsBeforeCommit.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /**
   * One run through every handler, one at a time: update-with-start of a change and its two-batch pass, a
   * connect, a disconnect, then a delete of two pages that ends the run.
   */
  static WorkflowExecutionHistory recordRepresentativeRun(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
    ScheduleActivities schedules = schedulesMock(store);
    ChangeCommand change = change("u-1", 0L);
    ConnectCommand connect = connectCommand("conn-3", "cust-3");
    DisconnectCommand disconnect = new DisconnectCommand(INTEGRATION, "conn-1", "cust-1");
    DeleteCommand delete = new DeleteCommand("u-2", INTEGRATION);
    UpdateRun deleting = updateRun("u-2", UpdateKind.DELETE, null, UpdateState.PENDING);
    when(store.commitChange(change)).thenReturn(commit("u-1", 1));
    when(store.beginFanOut(INTEGRATION)).thenReturn(new FanOutStart(true, 1, 2));
    when(schedules.fanOutBatch(any())).thenReturn(batch("conn-1", false, 1, 1), batch("conn-2", true, 1, 1));
    when(schedules.connect(connect)).thenReturn(connected(connect, 1));
    when(schedules.disconnect(disconnect)).thenReturn(true);
    when(store.beginDelete(delete)).thenReturn(deleting);
    when(schedules.deleteBatch(INTEGRATION)).thenReturn(deleted(2, false), deleted(0, true));
    worker.registerActivitiesImplementations(store, schedules);
    env.start();

    UpdateIntegrationWorkflow executor = executor(client, worker);
    Commit commit =
        WorkflowClient.executeUpdateWithStart(
            executor::change,
            change,
            UpdateOptions.newBuilder(Commit.class).setUpdateId(change.updateId()).build(),
            new WithStartWorkflowOperation<>(executor::run, freshInput()));
    assertThat(commit.integration().version()).isEqualTo(1);
    verify(store, timeout(WAIT.toMillis())).finishFanOut(INTEGRATION, 1);
    assertThat(executor.connect(connect).created()).isTrue();
    assertThat(executor.disconnect(disconnect)).isTrue();
    assertThat(executor.delete(delete)).isEqualTo(deleting);
    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(store).finishDelete(delete);
    return client.fetchHistory(Names.updateWorkflowId(INTEGRATION));
  }

  /** The executor as it would be if a timer were added before the commit: the committed history no longer fits. */
  public static class SleepsBeforeCommit extends UpdateIntegrationWorkflowImpl {
    @WorkflowInit
    public SleepsBeforeCommit(UpdateWorkflowInput input) {
      super(input);
    }

    @Override
    public Commit change(ChangeCommand command) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.change(command);
    }
  }
}
