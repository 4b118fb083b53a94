package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.Waits;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One integration's workflow. The main loop runs fan-out passes; handlers commit changes and run
 * connects and disconnects. Every Schedule write (a fan-out batch, a connect, a disconnect, a delete
 * batch) holds {@link #scheduleWrites}, so they never interleave. A burst of changes coalesces: one pass
 * applies the newest committed version, and a change that commits during a pass causes one more pass, which
 * begins no sooner than twice the last pass's duration after it began ({@link #passIntervalMs()}).
 */
public class UpdateIntegrationWorkflowImpl implements UpdateIntegrationWorkflow {

  /** Continue as new far below Temporal's 10,000-event limit: a batch adds about 6 events, a connect about 10. */
  static final int HISTORY_BUDGET = 2_000;

  /**
   * A pass begins no sooner than this many times the last pass's duration after the last one began (see
   * {@link #passIntervalMs()}): under a steady stream of changes, passes take at most half the time.
   */
  static final int PASS_SPACING_FACTOR = 2;

  private final StoreActivities store =
      Workflow.newActivityStub(
          StoreActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(retryForever(Duration.ofSeconds(10)))
              .build());

  /**
   * How long a handler's DB write may hold the workflow task as a local activity (all attempts) before it goes
   * to the regular activity, which retries forever. Far below the workflow task heartbeat (80% of its 10 s
   * timeout): while a local activity runs, the Update is not yet accepted, and the API's bounded wait
   * ({@code updateWaitMs}) must be able to answer 202 with an accepted, durable Update.
   */
  static final Duration LOCAL_WRITE_BUDGET = Duration.ofSeconds(2);

  private final StoreActivities localStore =
      Workflow.newLocalActivityStub(
          StoreActivities.class,
          LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(LOCAL_WRITE_BUDGET)
              .setScheduleToCloseTimeout(LOCAL_WRITE_BUDGET)
              // The command is in the history already (the Update's own event): its marker needs only the result.
              .setDoNotIncludeArgumentsIntoMarker(true)
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofMillis(100))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMillis(500))
                      .build())
              .build());

  private final ScheduleActivities schedules =
      Workflow.newActivityStub(
          ScheduleActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setHeartbeatTimeout(Duration.ofSeconds(10)) // batches heartbeat every second
              .setRetryOptions(retryForever(Duration.ofSeconds(30)))
              .build());

  private final WorkflowLock scheduleWrites = Workflow.newWorkflowLock();
  /** Handlers queued for {@link #scheduleWrites}: the main loop lets them in between two batches. */
  private int handlersWaiting;
  private final String integrationId;
  private final long minPassIntervalMs;
  private final long maxPassIntervalMs;
  private boolean fanOutPending;
  private PassState resume;
  private DeleteCommand pendingDelete;
  private boolean deleting;
  private boolean draining;
  private long lastCommittedVersion;
  private String phase = UpdateProgress.IDLE;
  private PassState pass;
  /** Workflow time at which the last pass of this run began (0: none yet). */
  private long lastPassStartedMs;
  /** How long the last pass of this run took, workflow time, from its start to its last batch (0: none yet). */
  private long lastPassDurationMs;
  /** The {@code ConfigVersion} this run last wrote to its search attributes (0: none yet). */
  private long configVersionShown;

  @WorkflowInit
  public UpdateIntegrationWorkflowImpl(UpdateWorkflowInput input) {
    this.integrationId = input.integrationId();
    this.fanOutPending = input.fanOutPending();
    this.resume = input.resume();
    this.lastCommittedVersion = input.lastCommittedVersion();
    this.minPassIntervalMs = input.minPassIntervalMs();
    this.maxPassIntervalMs = Math.max(input.minPassIntervalMs(), input.maxPassIntervalMs());
    this.pendingDelete =
        input.pendingDeleteId() == null ? null : new DeleteCommand(input.pendingDeleteId(), integrationId);
    this.deleting = pendingDelete != null;
  }

  @Override
  public void run(UpdateWorkflowInput input) {
    Duration idle = Duration.ofMillis(input.idleTimeoutMs());
    while (true) {
      boolean woken = Waits.until(idle, this::hasWork);
      if (pendingDelete != null) {
        deleteEverything(input);
        return;
      }
      if (resume != null || fanOutPending) {
        fanOut();
      }
      if (historyFull()) {
        continueAsNew(input);
      }
      if (!woken) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        if (!fanOutPending && resume == null && pendingDelete == null) {
          return; // idle: the next request starts a fresh run
        }
      }
    }
  }

  @Override
  public Commit change(ChangeCommand command) {
    Commit commit = storeWrite(localStore::commitChange, store::commitChange, command);
    long version = commit.integration().version();
    lastCommittedVersion = Math.max(lastCommittedVersion, version);
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
    return handlerWrite(() -> schedules.connect(command));
  }

  @Override
  public void validateConnect(ConnectCommand command) {
    refuseWhileClosing();
  }

  @Override
  public boolean disconnect(DisconnectCommand command) {
    return handlerWrite(() -> schedules.disconnect(command));
  }

  @Override
  public IntegrationRepair repair(RepairCommand command) {
    // Decided once the lock is held: Schedules behind a pass that is under way are its work, not drift.
    return handlerWrite(
        () -> schedules.repair(command.withSkipStale(fanOutPending || resume != null || UpdateProgress.PROPAGATING.equals(phase))));
  }

  @Override
  public void validateRepair(RepairCommand command) {
    refuseWhileClosing();
  }

  @Override
  public UpdateRun delete(DeleteCommand command) {
    DeleteCommand accepted = pendingDelete != null ? pendingDelete : command;
    deleting = true; // refuse changes and connects from now on, not only once the DB says so
    try {
      UpdateRun run = storeWrite(localStore::beginDelete, store::beginDelete, accepted);
      pendingDelete = accepted;
      return run;
    } finally {
      deleting = pendingDelete != null;
    }
  }

  @Override
  public UpdateProgress progress() {
    PassState p = pass != null ? pass : new PassState(0, 0, null, 0);
    return new UpdateProgress(phase, lastCommittedVersion, p.version(), p.total(), p.applied());
  }

  /**
   * A handler's DB write: as a local activity (the Update then completes in the workflow task that accepted
   * it, without the two extra round trips of a regular activity), or, if that has not succeeded within
   * {@link #LOCAL_WRITE_BUDGET} (database down or slow), as the regular activity that retries forever. A
   * refusal is final either way. Every write is idempotent (keyed by the update id), so a local attempt
   * that committed after its timeout makes the regular one a replay, not a second write.
   */
  private <C, T> T storeWrite(Function<C, T> local, Function<C, T> regular, C command) {
    try {
      return local.apply(command);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure f && StoreActivities.REFUSED.equals(f.getType())) {
        throw e;
      }
      return regular.apply(command);
    }
  }

  /**
   * Runs one pass (or resumes the one a previous run left half done), page by page: {@code beginPass} writes the
   * first page, each {@code continuePass} the next, and the activity that writes the last page finishes the pass.
   */
  private void fanOut() {
    if (resume == null) {
      if (!awaitPassInterval()) {
        return; // a delete arrived meanwhile: it supersedes the pass
      }
    } else {
      lastPassStartedMs = Workflow.currentTimeMillis(); // what this run writes of a pass an earlier run began
    }
    try {
      runPass();
    } finally {
      phase = UpdateProgress.IDLE;
      lastPassDurationMs = Workflow.currentTimeMillis() - lastPassStartedMs;
    }
  }

  private void runPass() {
    showConfigVersion(resume != null ? resume.version() : lastCommittedVersion);
    phase = UpdateProgress.PROPAGATING;
    if (resume != null) {
      pass = resume;
      resume = null;
    } else {
      fanOutPending = false;
      pass = new PassState(lastCommittedVersion, 0, null, 0); // the total is known once the pass has begun
      FirstBatch first = mainLoopWrite(() -> schedules.beginPass(integrationId));
      if (!first.pass().exists()) {
        return; // the integration is gone
      }
      pass = new PassState(first.pass().version(), first.pass().total(), null, 0).advance(first.batch());
      if (first.batch().done()) {
        return; // the whole pass (begun, written, finished) was that one activity
      }
    }
    while (pendingDelete == null) {
      BatchRequest request = new BatchRequest(integrationId, pass.cursor(), pass.applied());
      long passVersion = pass.version();
      BatchResult batch = mainLoopWrite(() -> schedules.continuePass(request, passVersion));
      pass = pass.advance(batch);
      if (batch.done()) {
        break;
      }
      if (historyFull()) {
        resume = pass; // carried across continue-as-new: the next run goes on from this cursor
        break;
      }
    }
  }

  /**
   * A new pass starts at least {@link #passIntervalMs()} after the last one began; changes that commit meanwhile
   * join it. Workflow time, so a replay waits the same. False if a delete arrived while it waited.
   */
  private boolean awaitPassInterval() {
    long wait = lastPassStartedMs + passIntervalMs() - Workflow.currentTimeMillis();
    if (wait > 0) {
      Waits.until(Duration.ofMillis(wait), () -> pendingDelete != null);
    }
    lastPassStartedMs = Workflow.currentTimeMillis();
    return pendingDelete == null;
  }

  /**
   * The spacing between the starts of two passes follows what a pass costs: {@link #PASS_SPACING_FACTOR} times
   * the last pass's duration, at least {@code minPassIntervalMs}, at most {@code maxPassIntervalMs}. A small
   * integration's pass (tens of ms) then follows a change at once unless one began within
   * {@code minPassIntervalMs}; a large one that keeps changing coalesces its changes, spending at most half its
   * time writing Schedules, and its Schedules trail its row by at most max(maxPassIntervalMs, a pass) plus a pass.
   */
  private long passIntervalMs() {
    return Math.min(maxPassIntervalMs, Math.max(minPassIntervalMs, PASS_SPACING_FACTOR * lastPassDurationMs));
  }

  private boolean hasWork() {
    return fanOutPending || resume != null || pendingDelete != null || historyFull();
  }

  /** The workflow's {@code ConfigVersion} search attribute: the newest version a pass has carried. */
  private void showConfigVersion(long version) {
    if (version > configVersionShown) {
      Workflow.upsertTypedSearchAttributes(Names.CONFIG_VERSION.valueSet(version));
      configVersionShown = version;
    }
  }

  private void deleteEverything(UpdateWorkflowInput input) {
    phase = UpdateProgress.DELETING;
    pass = new PassState(lastCommittedVersion, 0, null, 0);
    BatchResult batch;
    do {
      batch = mainLoopWrite(() -> schedules.deleteBatch(integrationId));
      pass = pass.advance(batch);
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
            pendingDelete == null ? null : pendingDelete.updateId(),
            resume,
            lastCommittedVersion,
            input.minPassIntervalMs(),
            input.maxPassIntervalMs()));
  }

  /** A handler's Schedule write: queues for the lock; the main loop lets it in before its next batch. */
  private <T> T handlerWrite(Supplier<T> write) {
    handlersWaiting++;
    scheduleWrites.lock();
    handlersWaiting--;
    return locked(write);
  }

  /** The main loop's Schedule write (a batch): first lets every queued handler have its turn. */
  private <T> T mainLoopWrite(Supplier<T> write) {
    Workflow.await(() -> handlersWaiting == 0);
    scheduleWrites.lock();
    return locked(write);
  }

  /** Runs {@code write} while holding the lock the caller has just taken, and releases it. */
  private <T> T locked(Supplier<T> write) {
    try {
      return write.get();
    } finally {
      scheduleWrites.unlock();
    }
  }

  private void refuseWhileClosing() {
    if (deleting) {
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

  private static RetryOptions retryForever(Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofMillis(500))
        .setBackoffCoefficient(2)
        .setMaximumInterval(maxInterval)
        .build();
  }
}
