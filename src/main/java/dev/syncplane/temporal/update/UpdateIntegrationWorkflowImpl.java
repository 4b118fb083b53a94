package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.Waits;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One integration's workflow. Handlers commit changes and run connects and disconnects; the main loop runs each
 * fan-out pass and the delete as a child workflow of their own (an update run the Temporal UI lists by
 * {@code IntegrationId} and {@code ConfigVersion}), and drift repair runs as one too. Every Schedule write (a pass, a
 * connect, a disconnect, a repair, the delete) holds {@link #scheduleWrites}, so they never interleave. A burst of
 * changes coalesces: one pass applies the newest committed version, and a change that commits during a pass causes
 * one more pass, which begins no sooner than twice the last pass's duration after it began ({@link #passIntervalMs()}).
 */
public class UpdateIntegrationWorkflowImpl implements UpdateIntegrationWorkflow {

  /**
   * Updates are refused (retryably) above this many events: the workflow is waiting for a long pass before it can
   * continue as new.
   */
  static final int HISTORY_REFUSE = 4 * UpdateWorkflows.HISTORY_BUDGET;

  /**
   * A pass begins no sooner than this many times the last pass's duration after the last one began (see
   * {@link #passIntervalMs()}): under a steady stream of changes, passes take at most half the time.
   */
  static final int PASS_SPACING_FACTOR = 2;

  private final StoreActivities store = Workflow.newActivityStub(StoreActivities.class, Activities.STORE);

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

  private final WorkflowLock scheduleWrites = Workflow.newWorkflowLock();
  /** Handlers queued for {@link #scheduleWrites}: the main loop lets them in before its next pass. */
  private int handlersWaiting;
  private final String integrationId;
  private final long minPassIntervalMs;
  private final long maxPassIntervalMs;
  private boolean fanOutPending;
  /** The changes committed since the last pass began, oldest first: the next pass's input. */
  private final List<PassChange> pendingChanges = new ArrayList<>();
  private int changesLeftOut;
  private DeleteCommand pendingDelete;
  private boolean deleting;
  private boolean draining;
  private long lastCommittedVersion;
  private String phase = UpdateProgress.IDLE;
  private long passVersion;
  private String runWorkflowId;
  /** The pass under way has stopped between two batches, at {@link PassWorkflow#yieldTurn}'s request. */
  private boolean passPaused;
  /** The pass under way has been asked to yield ({@link PassWorkflow#yieldTurn}) and has not answered yet. */
  private boolean yieldAsked;
  /** Workflow time at which the last pass of this run began (0: none yet). */
  private long lastPassStartedMs;
  /** How long the last pass of this run took, workflow time (0: none yet). */
  private long lastPassDurationMs;

  @WorkflowInit
  public UpdateIntegrationWorkflowImpl(UpdateWorkflowInput input) {
    this.integrationId = input.integrationId();
    this.fanOutPending = input.fanOutPending();
    this.pendingChanges.addAll(input.pendingChanges());
    this.changesLeftOut = input.changesLeftOut();
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
        deleteEverything();
        return;
      }
      if (fanOutPending) {
        fanOut();
      }
      if (UpdateWorkflows.historyFull()) {
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
    Commit commit = storeWrite(localStore::commitChange, store::commitChange, command);
    long version = commit.integration().version();
    lastCommittedVersion = Math.max(lastCommittedVersion, version);
    if (!commit.replayed()) {
      if (pendingChanges.size() < PassInput.LISTED) {
        pendingChanges.add(new PassChange(version, commit.update().id(), commit.changes()));
      } else {
        changesLeftOut++;
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
    return handlerWrite(() -> schedules("connect " + command.customerId()).connect(command));
  }

  @Override
  public void validateConnect(ConnectCommand command) {
    refuseWhileClosing();
  }

  @Override
  public boolean disconnect(DisconnectCommand command) {
    return handlerWrite(() -> schedules("disconnect " + command.customerId()).disconnect(command));
  }

  @Override
  public IntegrationRepair repair(RepairCommand command) {
    // Decided once the lock is held: Schedules behind a pass under way or still to run are its work, not drift.
    return handlerWrite(() -> {
      RepairCommand decided = command.withSkipStale(fanOutPending || UpdateProgress.PROPAGATING.equals(phase));
      String scan = decided.scanId() != null ? decided.scanId() : Workflow.randomUUID().toString();
      return child(RepairWorkflow.class, Names.repairWorkflowId(integrationId, scan), lastCommittedVersion,
              "drift repair of " + integrationId + (decided.everySchedule() ? ": every Schedule"
                  : ": " + decided.customerIds().size() + " suspect Schedules"),
              "Scan " + scan + " found Schedules of " + integrationId + " that differ from the database.")
          .run(decided);
    });
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
    return new UpdateProgress(phase, lastCommittedVersion, passVersion, runWorkflowId);
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

  /** Runs one pass as a child workflow, with the changes committed since the last one as its input. */
  private void fanOut() {
    if (!awaitPassInterval()) {
      return; // a delete arrived meanwhile: it supersedes the pass
    }
    try {
      mainLoopWrite(() -> {
        // Taken once the lock is held: what commits from now on needs another pass, and is listed by it.
        PassInput input =
            new PassInput(integrationId, lastCommittedVersion, List.copyOf(pendingChanges), changesLeftOut, null, null);
        String id = Names.passWorkflowId(integrationId, input.version());
        pendingChanges.clear();
        changesLeftOut = 0;
        fanOutPending = false;
        phase = UpdateProgress.PROPAGATING;
        passVersion = input.version();
        runWorkflowId = id;
        return runPass(child(PassWorkflow.class, id, input.version(), input.summary(), input.details()), input);
      });
    } catch (ChildWorkflowFailure e) { // terminated by hand, say: the next pass does its work
      fanOutPending = true;
    } finally {
      phase = UpdateProgress.IDLE;
      runWorkflowId = null;
      lastPassDurationMs = Workflow.currentTimeMillis() - lastPassStartedMs;
    }
  }

  /**
   * Starts the pass and waits for its result, holding the lock; a connect, disconnect or repair that queues for the
   * lock meanwhile gets it between two of the pass's batches: the pass is asked to yield, stops, signals
   * {@link #passPaused()}, and goes on once the queue is empty and the lock is back.
   */
  private PassResult runPass(PassWorkflow pass, PassInput input) {
    Promise<PassResult> result = Async.function(pass::run, input);
    Workflow.getWorkflowExecution(pass).get(); // started: it can be signalled
    while (true) {
      Workflow.await(() -> result.isCompleted() || passPaused || (!yieldAsked && handlersWaiting > 0));
      if (result.isCompleted()) {
        passPaused = false;
        yieldAsked = false;
        return result.get();
      }
      if (passPaused) {
        passPaused = false;
        yieldAsked = false;
        scheduleWrites.unlock();
        Workflow.await(() -> handlersWaiting == 0);
        scheduleWrites.lock(); // after the last of them
        signal(pass::resumeTurn);
      } else {
        yieldAsked = true;
        signal(pass::yieldTurn);
      }
    }
  }

  /** Signals the pass; it may have ended meanwhile, and then has nothing to be told. */
  private static void signal(Functions.Proc send) {
    try {
      send.apply();
    } catch (ApplicationFailure | SignalExternalWorkflowException | ChildWorkflowFailure ended) {
      // NOT_FOUND: it has completed, and its result is on its way to runPass
    }
  }

  @Override
  public void passPaused() {
    // Only the answer to a yieldTurn lets the queued writes in: a stray signal (sent by hand, say) must not open
    // the lock while a batch is writing.
    passPaused = yieldAsked;
  }

  /**
   * A new pass starts at least {@link #passIntervalMs()} after the last one began; changes that commit meanwhile
   * join it. Workflow time, so a replay waits the same. False if a delete arrived while it waited.
   */
  private boolean awaitPassInterval() {
    long wait = lastPassStartedMs + passIntervalMs() - Workflow.currentTimeMillis();
    if (wait > 0) {
      Waits.until(Duration.ofMillis(wait), "waiting " + wait + " ms to coalesce changes", () -> pendingDelete != null);
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
    return fanOutPending || pendingDelete != null || UpdateWorkflows.historyFull();
  }

  private void deleteEverything() {
    phase = UpdateProgress.DELETING;
    runWorkflowId = Names.deleteWorkflowId(integrationId);
    DeleteCommand command = pendingDelete;
    mainLoopWrite(() -> child(DeleteWorkflow.class, runWorkflowId, lastCommittedVersion,
            "delete " + integrationId + ": every Schedule and connection",
            "Update " + command.updateId() + " deletes integration " + integrationId + ".")
        .run(command));
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  /**
   * A child workflow stub for one update run: on this task queue, carrying {@code IntegrationId} and (once known)
   * {@code ConfigVersion}, with the summary and details the Temporal UI shows.
   */
  private <W> W child(Class<W> type, String workflowId, long version, String summary, String details) {
    SearchAttributes.Builder attributes = SearchAttributes.newBuilder().set(Names.INTEGRATION_ID, integrationId);
    if (version > 0) {
      attributes.set(Names.CONFIG_VERSION, version);
    }
    return Workflow.newChildWorkflowStub(
        type,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTypedSearchAttributes(attributes.build())
            .setStaticSummary(summary)
            .setStaticDetails(details)
            .build());
  }

  private static ScheduleActivities schedules(String summary) {
    return Activities.schedules(Activities.SCHEDULES, summary);
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
            List.copyOf(pendingChanges),
            changesLeftOut,
            lastCommittedVersion,
            input.minPassIntervalMs(),
            input.maxPassIntervalMs()));
  }

  /** A handler's Schedule write: queues for the lock; the main loop lets it in before its next pass. */
  private <T> T handlerWrite(Supplier<T> write) {
    handlersWaiting++;
    scheduleWrites.lock();
    handlersWaiting--;
    return locked(write);
  }

  /** The main loop's Schedule write (a pass, the delete): first lets every queued handler have its turn. */
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
    if (draining || Workflow.getInfo().getHistoryLength() > HISTORY_REFUSE) {
      throw new IllegalStateException(REJECT_RETRY);
    }
  }
}
