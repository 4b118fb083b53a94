package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.temporal.Names;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The per-integration executor. The main loop runs fan-out passes; handlers commit changes and run
 * connects and disconnects. Every Schedule write (a fan-out batch, a connect, a disconnect, a delete
 * batch) holds {@link #scheduleWrites}, so they never interleave. A burst of changes coalesces: one pass
 * applies the newest committed version, and a change that commits during a pass causes one more pass.
 */
public class UpdateIntegrationWorkflowImpl implements UpdateIntegrationWorkflow {

  /** Continue as new far below Temporal's 10,000-event limit: a batch adds about 6 events, a connect about 10. */
  static final int HISTORY_BUDGET = 2_000;

  private final StoreActivities store =
      Workflow.newActivityStub(
          StoreActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(retryForever(Duration.ofSeconds(10)))
              .build());

  private final ScheduleActivities schedules =
      Workflow.newActivityStub(
          ScheduleActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setRetryOptions(retryForever(Duration.ofSeconds(30)))
              .build());

  private final WorkflowLock scheduleWrites = Workflow.newWorkflowLock();
  private final String integrationId;
  private boolean fanOutPending;
  private DeleteCommand pendingDelete;
  private boolean draining;
  private long lastCommittedVersion;
  private UpdateProgress progress;

  @WorkflowInit
  public UpdateIntegrationWorkflowImpl(UpdateWorkflowInput input) {
    this.integrationId = input.integrationId();
    this.fanOutPending = input.fanOutPending();
    this.pendingDelete =
        input.pendingDeleteId() == null ? null : new DeleteCommand(input.pendingDeleteId(), integrationId);
    this.progress = new UpdateProgress(UpdateProgress.IDLE, 0, 0, 0, 0);
  }

  @Override
  public void run(UpdateWorkflowInput input) {
    Duration idle = Duration.ofMillis(input.idleTimeoutMs());
    while (true) {
      boolean woken = Workflow.await(idle, () -> fanOutPending || pendingDelete != null || historyFull());
      if (pendingDelete != null) {
        deleteEverything(input);
        return;
      }
      if (fanOutPending) {
        fanOutPending = false;
        fanOut();
      }
      if (historyFull()) {
        continueAsNew(input);
      }
      if (!woken) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        if (!fanOutPending && pendingDelete == null) {
          return; // idle: the next request starts a fresh run
        }
      }
    }
  }

  @Override
  public Commit change(ChangeCommand command) {
    Commit commit = store.commitChange(command);
    long version = commit.integration().version();
    if (version > lastCommittedVersion) {
      lastCommittedVersion = version;
      Workflow.upsertTypedSearchAttributes(Names.CONFIG_VERSION.valueSet(version));
    }
    // Also after a replayed commit: its fan-out may have been lost with an earlier run.
    fanOutPending = true;
    return commit;
  }

  @Override
  public void validateChange(ChangeCommand command) {
    refuseWhileClosing();
  }

  @Override
  public ConnectResult connect(ConnectCommand command) {
    return withScheduleWrites(() -> schedules.connect(command));
  }

  @Override
  public void validateConnect(ConnectCommand command) {
    refuseWhileClosing();
  }

  @Override
  public boolean disconnect(DisconnectCommand command) {
    return withScheduleWrites(() -> schedules.disconnect(command));
  }

  @Override
  public UpdateRun delete(DeleteCommand command) {
    DeleteCommand accepted = pendingDelete != null ? pendingDelete : command;
    UpdateRun run = store.beginDelete(accepted);
    pendingDelete = accepted;
    return run;
  }

  @Override
  public UpdateProgress progress() {
    return progress;
  }

  private void fanOut() {
    FanOutStart start = store.beginFanOut(integrationId);
    if (!start.exists()) {
      return;
    }
    report(UpdateProgress.PROPAGATING, start.version(), start.total(), 0);
    String cursor = null;
    int applied = 0;
    while (pendingDelete == null) {
      BatchRequest request = new BatchRequest(integrationId, cursor, applied);
      BatchResult batch = withScheduleWrites(() -> schedules.fanOutBatch(request));
      applied += batch.processed();
      cursor = batch.lastConnectionId() != null ? batch.lastConnectionId() : cursor;
      report(UpdateProgress.PROPAGATING, start.version(), start.total(), applied);
      if (batch.done()) {
        store.finishFanOut(integrationId, start.version());
        break;
      }
      if (historyFull()) {
        fanOutPending = true; // the next run starts the pass again; Schedules already done are skipped
        return;
      }
    }
    report(UpdateProgress.IDLE, start.version(), start.total(), applied);
  }

  private void deleteEverything(UpdateWorkflowInput input) {
    report(UpdateProgress.DELETING, lastCommittedVersion, 0, 0);
    int deleted = 0;
    BatchResult batch;
    do {
      batch = withScheduleWrites(() -> schedules.deleteBatch(integrationId));
      deleted += batch.processed();
      report(UpdateProgress.DELETING, lastCommittedVersion, 0, deleted);
      if (!batch.done() && historyFull()) {
        continueAsNew(input);
      }
    } while (!batch.done());
    store.finishDelete(pendingDelete);
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  private void continueAsNew(UpdateWorkflowInput input) {
    draining = true;
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(
        new UpdateWorkflowInput(
            integrationId,
            input.idleTimeoutMs(),
            fanOutPending,
            pendingDelete == null ? null : pendingDelete.updateId()));
  }

  private <T> T withScheduleWrites(Supplier<T> write) {
    scheduleWrites.lock();
    try {
      return write.get();
    } finally {
      scheduleWrites.unlock();
    }
  }

  private void refuseWhileClosing() {
    if (pendingDelete != null) {
      throw new IllegalStateException(REJECT_DELETING);
    }
    if (draining) {
      throw new IllegalStateException(REJECT_RETRY);
    }
  }

  private boolean historyFull() {
    WorkflowInfo info = Workflow.getInfo();
    return info.getHistoryLength() > HISTORY_BUDGET || info.isContinueAsNewSuggested();
  }

  private void report(String phase, long passVersion, int total, int applied) {
    progress = new UpdateProgress(phase, lastCommittedVersion, passVersion, total, applied);
  }

  private static RetryOptions retryForever(Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofMillis(500))
        .setBackoffCoefficient(2)
        .setMaximumInterval(maxInterval)
        .build();
  }
}
