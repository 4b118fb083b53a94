package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.function.Function;
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

  /**
   * Workflow.getVersion change id: from version 1 on, the handlers' DB writes (commitChange, beginDelete) run first
   * as local activities, so that the Update completes in the workflow task that accepted it. The version is decided
   * once per run, at its first handler write: a run that made one before this code (no marker) keeps the regular
   * activities to its end, and its history replays unchanged.
   */
  static final String LOCAL_HANDLER_WRITES = "local-handler-writes";

  /**
   * Workflow.getVersion change id: from version 1 on, a pass over an integration without connections skips its
   * (empty) batch activity and finishes at once. Decided at the first empty pass of a run.
   */
  static final String EMPTY_PASS_SKIPS_BATCH = "empty-pass-skips-batch";

  /**
   * Workflow.getVersion change id: from version 1 on, a pass begins with one activity ({@link
   * ScheduleActivities#beginPass}) that also writes the first page and, when that page is the last, finishes the
   * pass: one activity and two workflow tasks instead of three and four for most passes, which the next change
   * of the integration, and every other one, would otherwise queue behind. Decided at the first pass of a run.
   */
  static final String ONE_ACTIVITY_PASS = "one-activity-pass";

  /**
   * Workflow.getVersion change id: from version 1 on, the executor writes its own {@code ConfigVersion} search
   * attribute when a pass begins (the newest committed version, which that pass carries) instead of at every
   * commit, and its idle wait leaves no timer behind (see {@link #awaitWork}). Each upsert is a visibility write
   * on the accepting workflow task: measured alone (bin/bench, "floor + a search-attribute upsert"), it adds 1.2 to
   * 2.5 ms of the dev server's CPU to an update, a quarter to a half of a bare update-with-start; coalesced
   * changes now share one per pass. Decided once per run, at its first use.
   */
  static final String LEAN_HISTORY = "lean-history";

  /**
   * Workflow.getVersion change id: from version 1 on, the spacing of passes backs off while changes keep coming
   * (see {@link #awaitPassInterval}). Decided at the first pass of a run; a run without the marker keeps passes
   * {@code minPassIntervalMs} apart to its end.
   */
  static final String PASS_BACKOFF = "pass-backoff";

  /**
   * Workflow.getVersion change id: from version 1 on, a pass's batches after the first are {@link
   * ScheduleActivities#continuePass}, and the last of them finishes the pass: a pass of N pages takes N activities,
   * not N + 1 (FinishFanOut), and the update runs read APPLIED one activity and two workflow tasks sooner. Decided
   * at the first batch after BeginPass in a run.
   */
  static final String LAST_BATCH_FINISHES = "last-batch-finishes";

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
  /** The spacing the next pass keeps from the last one (since {@link #PASS_BACKOFF}). */
  private long passIntervalMs;
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
    this.passIntervalMs = minPassIntervalMs;
    this.pendingDelete =
        input.pendingDeleteId() == null ? null : new DeleteCommand(input.pendingDeleteId(), integrationId);
    this.deleting = pendingDelete != null;
  }

  @Override
  public void run(UpdateWorkflowInput input) {
    Duration idle = Duration.ofMillis(input.idleTimeoutMs());
    while (true) {
      boolean woken = leanHistory() ? awaitWork(idle) : Workflow.await(idle, this::hasWork);
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
    if (version > lastCommittedVersion) {
      lastCommittedVersion = version;
      if (!leanHistory()) {
        Workflow.upsertTypedSearchAttributes(Names.CONFIG_VERSION.valueSet(version)); // since LEAN_HISTORY: at the pass
      }
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
    if (Workflow.getVersion(LOCAL_HANDLER_WRITES, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return regular.apply(command);
    }
    try {
      return local.apply(command);
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure f && StoreActivities.REFUSED.equals(f.getType())) {
        throw e;
      }
      return regular.apply(command);
    }
  }

  /** Runs one pass (or resumes the one a previous run left half done), batch by batch. */
  private void fanOut() {
    if (resume == null && !awaitPassInterval()) {
      return; // a delete arrived meanwhile: it supersedes the pass
    }
    showConfigVersion(resume != null ? resume.version() : lastCommittedVersion);
    if (resume != null) {
      pass = resume;
      resume = null;
    } else if (Workflow.getVersion(ONE_ACTIVITY_PASS, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION) {
      fanOutPending = false;
      phase = UpdateProgress.PROPAGATING;
      pass = new PassState(lastCommittedVersion, 0, null, 0); // the total is known once the pass has begun
      FirstBatch first = mainLoopWrite(() -> schedules.beginPass(integrationId));
      if (!first.pass().exists()) {
        phase = UpdateProgress.IDLE;
        return;
      }
      pass = new PassState(first.pass().version(), first.pass().total(), null, 0).advance(first.batch());
      if (first.batch().done()) {
        phase = UpdateProgress.IDLE;
        return; // the whole pass (begun, written, finished) was that one activity
      }
    } else {
      fanOutPending = false;
      FanOutStart start = store.beginFanOut(integrationId);
      if (!start.exists()) {
        return;
      }
      if (start.total() == 0
          && Workflow.getVersion(EMPTY_PASS_SKIPS_BATCH, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION) {
        // No Schedule to write: one activity and one workflow task less, which a change arriving next waits behind.
        // A connect from now on runs under the lock and reads this version or a newer one from the DB itself.
        store.finishFanOut(integrationId, start.version());
        return;
      }
      pass = new PassState(start.version(), start.total(), null, 0);
    }
    phase = UpdateProgress.PROPAGATING;
    while (pendingDelete == null) {
      BatchRequest request = new BatchRequest(integrationId, pass.cursor(), pass.applied());
      long passVersion = pass.version();
      boolean finishes = Workflow.getVersion(LAST_BATCH_FINISHES, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
      BatchResult batch = mainLoopWrite(
          () -> finishes ? schedules.continuePass(request, passVersion) : schedules.fanOutBatch(request));
      pass = pass.advance(batch);
      if (batch.done()) {
        if (!finishes) {
          store.finishFanOut(integrationId, pass.version());
        }
        break;
      }
      if (historyFull()) {
        resume = pass; // carried across continue-as-new: the next run goes on from this cursor
        break;
      }
    }
    phase = UpdateProgress.IDLE;
  }

  /**
   * A new pass starts at least the pass interval after the last one began; changes that commit meanwhile join it.
   * The interval is {@code minPassIntervalMs} for an integration that changes now and then, and doubles, up to
   * {@code maxPassIntervalMs}, each time a pass had to wait for it: a hot integration (changes keep coming) has
   * its Schedules rewritten at most once per {@code maxPassIntervalMs}, not once per {@code minPassIntervalMs}. A
   * pass that did not have to wait starts the interval over. Workflow time, so a replay waits the same. False if
   * a delete arrived while it waited. With 0 (the histories from before this existed) it never waits, and so adds
   * no command.
   */
  private boolean awaitPassInterval() {
    boolean backoff = Workflow.getVersion(PASS_BACKOFF, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
    long interval = backoff ? passIntervalMs : minPassIntervalMs;
    long wait = lastPassStartedMs + interval - Workflow.currentTimeMillis();
    if (wait > 0) {
      Workflow.await(Duration.ofMillis(wait), () -> pendingDelete != null);
    }
    passIntervalMs = wait > 0 ? Math.min(maxPassIntervalMs, 2 * interval) : minPassIntervalMs;
    lastPassStartedMs = Workflow.currentTimeMillis();
    return pendingDelete == null;
  }

  /**
   * {@code Workflow.await(timeout, condition)} without the timer it leaves behind: SDK 1.38 starts that timer even
   * when the condition already holds, and never cancels it, so every pass left a 60 s idle timer that later fired
   * into a workflow task of its own. Here the timer starts only if there is no work yet, and is cancelled when
   * work arrives. True if woken by work, false on the idle timeout. The timer's cancellation is handled ({@code
   * handle}), or the SDK would log "Promise completed with exception and was never accessed" for each one when it
   * evicts the run from the worker's cache.
   */
  private boolean awaitWork(Duration idle) {
    if (hasWork()) {
      return true;
    }
    CompletablePromise<Void> timer = Workflow.newPromise();
    CancellationScope scope = Workflow.newCancellationScope(
        () -> timer.completeFrom(Workflow.newTimer(idle).handle((fired, cancelled) -> null)));
    scope.run();
    Workflow.await(() -> timer.isCompleted() || hasWork());
    if (timer.isCompleted()) { // only the timer firing completes it before the cancel below
      return false;
    }
    scope.cancel("work arrived");
    return true;
  }

  private boolean hasWork() {
    return fanOutPending || resume != null || pendingDelete != null || historyFull();
  }

  /** Since {@link #LEAN_HISTORY}: the executor's {@code ConfigVersion} is the newest version a pass has carried. */
  private void showConfigVersion(long version) {
    if (leanHistory() && version > configVersionShown) {
      Workflow.upsertTypedSearchAttributes(Names.CONFIG_VERSION.valueSet(version));
      configVersionShown = version;
    }
  }

  private static boolean leanHistory() {
    return Workflow.getVersion(LEAN_HISTORY, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
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
