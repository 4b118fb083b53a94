package dev.syncplane.temporal.update;

import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.IDLE_MS;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.INTEGRATION;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.schedulesMock;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.WAIT;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.batch;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.change;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.changeWithStart;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.commit;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.connectCommand;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.connected;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.deleted;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.everyCommitANewVersion;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.executor;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.freshInput;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.onePagePasses;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.updateRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import dev.syncplane.support.Eventually;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import dev.syncplane.temporal.update.UpdateWorkflowFixtures.Gate;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.workflow.Functions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** Unit tests of {@link UpdateIntegrationWorkflowImpl} on the time-skipping test server with mocked activities. */
@Timeout(30)
class UpdateIntegrationWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = UpdateWorkflowFixtures.extension().build();

  // withoutAnnotations() stops Mockito from copying the interfaces' method annotations.
  private final StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
  private final PassSteps steps = mock(PassSteps.class);
  private final ScheduleActivities schedules = schedulesMock(steps);

  /** Registers the mocks (stub them first) and starts the worker. */
  private void startWorker(TestWorkflowEnvironment env, Worker worker) {
    worker.registerActivitiesImplementations(store, schedules);
    env.start();
  }

  /** Starts the workflow's run as a plain start; the updates then go to the running workflow. */
  private UpdateIntegrationWorkflow startExecutor(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    startWorker(env, worker);
    UpdateIntegrationWorkflow executor = executor(client, worker);
    WorkflowClient.start(executor::run, freshInput());
    return executor;
  }

  @Test
  void changeAnswersWithTheCommitThenFansOutFollowingTheCursor(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    ChangeCommand command = change("u-7", 6L);
    Commit commit = commit("u-7", 7);
    when(store.commitChange(command)).thenReturn(commit);
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 7, 5));
    when(steps.write(any()))
        .thenReturn(batch("c2", false, 7, 2), batch("c4", false, 7, 2), batch("c5", true, 7, 1));
    startWorker(env, worker);

    // As UpdateSender does it: update-with-start, answered once the commit is durable.
    UpdateIntegrationWorkflow executor = executor(client, worker);
    Commit answer =
        changeWithStart(executor, command, freshInput());

    assertThat(answer).isEqualTo(commit);
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 7);
    ArgumentCaptor<BatchRequest> requests = ArgumentCaptor.forClass(BatchRequest.class);
    InOrder order = inOrder(store, steps, schedules);
    order.verify(store).commitChange(command);
    order.verify(steps).begin(UpdateWorkflowFixtures.startOf(INTEGRATION));
    order.verify(steps, times(3)).write(requests.capture());
    order.verify(steps).finish(INTEGRATION, 7);
    assertThat(requests.getAllValues())
        .containsExactly(
            new BatchRequest(INTEGRATION, null, 0),
            new BatchRequest(INTEGRATION, "c2", 2),
            new BatchRequest(INTEGRATION, "c4", 4));
    // The pass ran as a run of its own, which the Temporal UI finds by the version it applied.
    assertThat(client.newUntypedWorkflowStub(Names.passWorkflowId(INTEGRATION, 7)).describe()
        .getTypedSearchAttributes().get(Names.CONFIG_VERSION)).isEqualTo(7L);
  }

  @Test
  void changesCommittedDuringAPassCoalesceIntoOneMorePass(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    AtomicLong committed = everyCommitANewVersion(store);
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenAnswer(call -> new FanOutStart(true, committed.get(), 3));
    Gate firstBatch = new Gate();
    AtomicInteger batches = new AtomicInteger();
    when(steps.write(any()))
        .thenAnswer(
            call -> {
              if (batches.incrementAndGet() == 1) {
                firstBatch.pass();
              }
              return batch("c3", true, committed.get(), 3);
            });
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThat(executor.change(change("u-1", null)).integration().version()).isEqualTo(1);
    firstBatch.awaitEntered();
    // Three more changes commit while the first pass is writing version 1.
    for (int i = 2; i <= 4; i++) {
      assertThat(executor.change(change("u-" + i, null)).integration().version()).isEqualTo(i);
    }
    UpdateProgress during = executor.progress();
    assertThat(during.phase()).isEqualTo(UpdateProgress.PROPAGATING);
    assertThat(during.passVersion()).isEqualTo(1);
    firstBatch.open();

    // Let the run go idle and end (time skipping), so that every pass it would run has run.
    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(store, times(4)).commitChange(any());
    verify(steps, times(2)).begin(UpdateWorkflowFixtures.startOf(INTEGRATION));
    verify(steps, times(2)).write(any());
    verify(steps).finish(INTEGRATION, 1);
    verify(steps).finish(INTEGRATION, 4);
    verify(steps, times(2)).finish(any(), anyLong());
  }

  @Test
  void aPassWaitsOutTheIntervalSinceTheLastOneAndCarriesTheChangesCommittedMeanwhile(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    long interval = 5_000;
    AtomicLong committed = everyCommitANewVersion(store);
    List<Long> passesBegan = Collections.synchronizedList(new ArrayList<>());
    onePagePasses(steps, committed, () -> passesBegan.add(env.currentTimeMillis()));
    startWorker(env, worker);
    UpdateIntegrationWorkflow executor = executor(client, worker);
    WorkflowClient.start(executor::run, freshInput(interval));

    executor.change(change("u-1", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1); // a lone change propagates at once
    executor.change(change("u-2", null));
    executor.change(change("u-3", null));

    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(steps, times(2)).begin(UpdateWorkflowFixtures.startOf(INTEGRATION));
    verify(steps).finish(INTEGRATION, 3); // one pass for both, not one each
    verify(steps, never()).finish(INTEGRATION, 2);
    // Read in the activities, each a moment after its pass began (workflow time); without the wait, the gap is ms.
    assertThat(passesBegan.get(1) - passesBegan.get(0)).isGreaterThan(interval - 500);
  }

  @Test
  void thePassSpacingFollowsTheLastPassesDurationBetweenTheLeastAndTheMost(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    AtomicLong committed = everyCommitANewVersion(store);
    AtomicLong passMs = new AtomicLong(); // how long each pass's one batch takes, real (and so workflow) time
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenAnswer(call -> new FanOutStart(true, committed.get(), 1));
    when(steps.write(any())).thenAnswer(call -> {
      Thread.sleep(passMs.get());
      return batch("c1", true, committed.get(), 1);
    });
    startWorker(env, worker);
    UpdateIntegrationWorkflow executor = executor(client, worker);
    WorkflowClient.start(executor::run, freshInput(1_000, 3_000));

    executor.change(change("u-1", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1); // a lone change propagates at once
    // Quick passes: each change that comes right after a pass waits out the least interval, 1 s, and no more
    // however many come in a row (no ladder).
    for (int v = 2; v <= 4; v++) {
      executor.change(change("u-" + v, null));
      verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, v);
    }
    // A pass of 800 ms: the next one begins 2 x 800 ms after it began.
    passMs.set(800);
    executor.change(change("u-5", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 5);
    passMs.set(0);
    executor.change(change("u-6", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 6);
    // A pass of 2 s: 2 x 2 s is more than the most, 3 s, which holds.
    passMs.set(2_000);
    executor.change(change("u-7", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 7);
    passMs.set(0);
    executor.change(change("u-8", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 8);
    // After a quiet spell a change propagates at once, and the spacing follows the last (quick) pass again.
    env.sleep(Duration.ofSeconds(30));
    executor.change(change("u-9", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 9);
    executor.change(change("u-10", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 10);

    // when each pass began, in workflow time: the start of the task that started its child workflow
    List<Long> began = new ArrayList<>();
    long taskStarted = 0;
    for (HistoryEvent e : client.fetchHistory(Names.updateWorkflowId(INTEGRATION)).getEvents()) {
      if (e.hasWorkflowTaskStartedEventAttributes()) {
        taskStarted = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
      } else if (e.hasStartChildWorkflowExecutionInitiatedEventAttributes()) {
        began.add(taskStarted);
      }
    }
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < began.size(); i++) {
      gaps.add(began.get(i) - began.get(i - 1));
    }
    assertThat(gaps).hasSize(9);
    for (int i = 0; i < 3; i++) { // before passes 2, 3 and 4: the least, every time
      assertThat(gaps.get(i)).as("gap before pass %d", i + 2).isBetween(1_000L, 1_400L);
    }
    assertThat(gaps.get(3)).as("gap before pass 5, after a quick one").isBetween(1_000L, 1_400L);
    assertThat(gaps.get(4)).as("gap before pass 6, after one of 800 ms").isBetween(1_600L, 2_300L);
    assertThat(gaps.get(5)).as("gap before pass 7, after a quick one").isBetween(1_000L, 1_400L);
    assertThat(gaps.get(6)).as("gap before pass 8, after one of 2 s: the most").isBetween(3_000L, 3_400L);
    assertThat(gaps.get(7)).as("gap before pass 9, after a quiet spell").isGreaterThan(30_000L);
    assertThat(gaps.get(8)).as("gap before pass 10, after a quick one").isBetween(1_000L, 1_400L);
  }

  @Test
  void changesAcceptedWhileTheNextPassWaitsMakeOneRunThatListsThemAndCarriesTheNewestVersion(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    AtomicLong committed = everyCommitANewVersion(store);
    onePagePasses(steps, committed, () -> {});
    startWorker(env, worker);
    UpdateIntegrationWorkflow executor = executor(client, worker);
    WorkflowClient.start(executor::run, freshInput(5_000));

    executor.change(change("u-1", null));
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1);
    for (int i = 2; i <= 5; i++) {
      executor.change(change("u-" + i, null)); // accepted while the next pass waits out the interval
    }
    verify(steps, timeout(WAIT.toMillis() + 5_000)).finish(INTEGRATION, 5);

    List<String> runs = client.fetchHistory(Names.updateWorkflowId(INTEGRATION)).getEvents().stream()
        .filter(HistoryEvent::hasStartChildWorkflowExecutionInitiatedEventAttributes)
        .map(e -> e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId())
        .toList();
    assertThat(runs).containsExactly(Names.passWorkflowId(INTEGRATION, 1), Names.passWorkflowId(INTEGRATION, 5));
    WorkflowStub second = client.newUntypedWorkflowStub(Names.passWorkflowId(INTEGRATION, 5));
    assertThat(second.describe().getTypedSearchAttributes().get(Names.CONFIG_VERSION)).isEqualTo(5L);
    assertThat(second.describe().getStaticSummary()).startsWith("v2–v5 (4 changes coalesced)");
    assertThat(passInput(client, Names.passWorkflowId(INTEGRATION, 5)).updateIds())
        .containsExactly("u-2", "u-3", "u-4", "u-5");
  }

  @Test
  void connectWaitsForTheLockAndNeverOverlapsAScheduleWrite(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws InterruptedException {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    Runnable enter = () -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    Runnable exit = inFlight::decrementAndGet;
    ConnectCommand connect = connectCommand("conn-9", "cust-9");
    ConnectResult result = connected(connect, 1);
    when(store.commitChange(any())).thenReturn(commit("u-1", 1));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 1, 4));
    Gate firstBatch = new Gate();
    AtomicInteger batches = new AtomicInteger();
    when(steps.write(any()))
        .thenAnswer(
            call -> {
              enter.run();
              int n = batches.incrementAndGet();
              events.add("batch-" + n + " start");
              if (n == 1) {
                firstBatch.pass();
              }
              events.add("batch-" + n + " end");
              exit.run();
              return n == 1 ? batch("c2", false, 1, 2) : batch("c4", true, 1, 2);
            });
    when(schedules.connect(connect))
        .thenAnswer(
            call -> {
              enter.run();
              events.add("connect start");
              events.add("connect end");
              exit.run();
              return result;
            });
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThat(duringTheFirstBatch(client, executor, firstBatch, executor::connect, connect, ConnectResult.class))
        .isEqualTo(result);
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1);
    verify(schedules).connect(connect);
    assertThat(maxInFlight).hasValue(1);
    // A waiting connect goes in between two batches, not after the whole pass.
    assertThat(events)
        .containsExactly(
            "batch-1 start", "batch-1 end", "connect start", "connect end", "batch-2 start", "batch-2 end");
  }

  @Test
  void driftRepairWaitsForTheLockAndLeavesStaleSchedulesToAPassUnderWay(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws InterruptedException {
    RepairCommand repair = new RepairCommand(INTEGRATION, "scan-1", 10, false);
    IntegrationRepair nothing = new IntegrationRepair(INTEGRATION, 4, java.util.Map.of(), 0, java.util.Map.of(), 2, null);
    when(store.commitChange(any())).thenReturn(commit("u-1", 1));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 1, 4));
    Gate firstBatch = new Gate();
    AtomicInteger batches = new AtomicInteger();
    when(steps.write(any())).thenAnswer(call -> {
      if (batches.incrementAndGet() == 1) {
        firstBatch.pass();
        return batch("c2", false, 1, 2);
      }
      return batch("c4", true, 1, 2);
    });
    when(schedules.repair(any())).thenReturn(nothing);
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThat(duringTheFirstBatch(client, executor, firstBatch, executor::repair, repair, IntegrationRepair.class))
        .isEqualTo(nothing);
    verify(schedules).repair(repair.withSkipStale(true)); // between two batches of the pass
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1);

    executor.repair(repair); // idle now: a stale Schedule is drift
    verify(schedules).repair(repair.withSkipStale(false));
  }

  /**
   * Commits a change, sends {@code update} while the first batch of its pass holds the lock (at {@code firstBatch}),
   * checks that the workflow task that accepted it ran its handler only as far as the lock (no Schedule write
   * scheduled: the commit ran locally, and the pass's BeginPass is in the pass's own run), then lets the pass go on;
   * the update's result.
   */
  private static <A, R> R duringTheFirstBatch(
      WorkflowClient client,
      UpdateIntegrationWorkflow executor,
      Gate firstBatch,
      Functions.Func1<A, R> update,
      A argument,
      Class<R> resultClass) throws InterruptedException {
    executor.change(change("u-1", null));
    firstBatch.awaitEntered();
    WorkflowUpdateHandle<R> pending =
        WorkflowClient.startUpdate(
            update, argument, UpdateOptions.newBuilder(resultClass).setWaitForStage(WorkflowUpdateStage.ACCEPTED).build());
    assertThat(scheduledActivities(client)).isEmpty();
    assertThat(scheduledActivities(client, Names.passWorkflowId(INTEGRATION, 1))).containsExactly("BeginPass");
    firstBatch.open();
    return pending.getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aPassLongerThanOneRunsHistoryContinuesAsNewAndResumesAtItsCursor(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    int batches = 400; // about 2,400 events: past the workflow's history budget of 2,000
    when(store.commitChange(any())).thenReturn(commit("u-3", 3));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 3, batches));
    List<BatchRequest> requests = Collections.synchronizedList(new ArrayList<>());
    when(steps.write(any()))
        .thenAnswer(call -> {
          BatchRequest r = call.getArgument(0);
          requests.add(r);
          int next = r.afterConnectionId() == null ? 0 : Integer.parseInt(r.afterConnectionId()) + 1;
          return batch(String.format("%04d", next), next == batches - 1, 3, 1);
        });
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    executor.change(change("u-3", null));

    verify(steps, timeout(20_000)).finish(INTEGRATION, 3);
    verify(steps, times(1)).begin(UpdateWorkflowFixtures.startOf(INTEGRATION));
    assertThat(requests).hasSize(batches);
    for (int i = 0; i < batches; i++) {
      assertThat(requests.get(i).afterConnectionId()).isEqualTo(i == 0 ? null : String.format("%04d", i - 1));
      assertThat(requests.get(i).appliedBefore()).isEqualTo(i);
    }
    // The pass's own run continued as new; the integration's workflow only waited for it.
    String passId = Names.passWorkflowId(INTEGRATION, 3);
    String firstRun = client.fetchHistory(Names.updateWorkflowId(INTEGRATION)).getEvents().stream()
        .filter(HistoryEvent::hasChildWorkflowExecutionStartedEventAttributes)
        .map(e -> e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution().getRunId())
        .findFirst().orElseThrow();
    assertThat(client.fetchHistory(passId, firstRun).getLastEvent().hasWorkflowExecutionContinuedAsNewEventAttributes())
        .isTrue();
    assertThat(client.newUntypedWorkflowStub(passId).getResult(PassResult.class).batches()).isEqualTo(batches);
  }

  @Test
  void progressShowsTheNewestCommittedVersionDuringAPass(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws InterruptedException {
    when(store.commitChange(any())).thenReturn(commit("u-1", 1), commit("u-2", 2));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 1, 1));
    Gate batch = new Gate();
    when(steps.write(any())).thenAnswer(call -> {
      batch.pass();
      return batch(null, true, 1, 1);
    });
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    executor.change(change("u-1", null));
    batch.awaitEntered();
    executor.change(change("u-2", null));

    UpdateProgress during = executor.progress();
    batch.open();
    assertThat(during.phase()).isEqualTo(UpdateProgress.PROPAGATING);
    assertThat(during.passVersion()).isEqualTo(1);
    assertThat(during.lastCommittedVersion()).isEqualTo(2);
  }

  @Test
  void disconnectReturnsWhetherAScheduleWasDeleted(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    DisconnectCommand gone = new DisconnectCommand(INTEGRATION, "conn-1", "cust-1");
    DisconnectCommand unknown = new DisconnectCommand(INTEGRATION, "conn-2", "cust-2");
    when(schedules.disconnect(gone)).thenReturn(true);
    when(schedules.disconnect(unknown)).thenReturn(false);
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThat(executor.disconnect(gone)).isTrue();
    assertThat(executor.disconnect(unknown)).isFalse();
    verify(schedules).disconnect(gone);
    verify(schedules).disconnect(unknown);
  }

  @Test
  void aRefusedCommitFailsTheUpdateButNotTheWorkflowAndFansNothingOut(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    ChangeCommand stale = change("u-stale", 3L);
    when(store.commitChange(stale))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "expected version 3 but it is 4", StoreActivities.REFUSED, "VERSION_MISMATCH"));
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThatThrownBy(() -> executor.change(stale))
        .isInstanceOf(WorkflowUpdateException.class)
        .extracting(UpdateWorkflowFixtures::applicationFailure, InstanceOfAssertFactories.type(ApplicationFailure.class))
        .satisfies(
            f -> {
              assertThat(f.getType()).isEqualTo(StoreActivities.REFUSED);
              assertThat(f.getOriginalMessage()).isEqualTo("expected version 3 but it is 4");
              assertThat(f.getDetails().get(0, String.class)).isEqualTo("VERSION_MISMATCH");
            });
    assertThat(executor.progress()).isEqualTo(new UpdateProgress(UpdateProgress.IDLE, 0, 0, null));

    // The run goes on and later ends idle, normally: getResult throws if the workflow failed.
    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(store).commitChange(stale); // non-retryable: one attempt
    verify(steps, never()).begin(any());
    verify(steps, never()).finish(any(), anyLong());
    verifyNoInteractions(schedules);
  }

  @Test
  void deleteRefusesNewWorkRemovesTheSchedulesAndEndsTheRun(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    DeleteCommand delete = new DeleteCommand("u-del", INTEGRATION);
    UpdateRun run = updateRun("u-del", UpdateKind.DELETE, null, UpdateState.PENDING);
    when(store.beginDelete(delete)).thenReturn(run);
    Gate firstPage = new Gate();
    AtomicInteger pages = new AtomicInteger();
    when(schedules.deleteBatch(INTEGRATION))
        .thenAnswer(
            call ->
                switch (pages.incrementAndGet()) {
                  case 1 -> {
                    firstPage.pass();
                    yield deleted(3, false);
                  }
                  case 2 -> deleted(3, false);
                  default -> deleted(1, true);
                });
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThat(executor.delete(delete)).isEqualTo(run);
    firstPage.awaitEntered();
    assertThat(executor.progress().phase()).isEqualTo(UpdateProgress.DELETING);
    assertThatThrownBy(() -> executor.change(change("u-late", null)))
        .isInstanceOf(WorkflowUpdateException.class)
        .extracting(UpdateWorkflowFixtures::applicationFailure, InstanceOfAssertFactories.type(ApplicationFailure.class))
        .extracting(ApplicationFailure::getOriginalMessage)
        .isEqualTo(UpdateIntegrationWorkflow.REJECT_DELETING);
    assertThatThrownBy(() -> executor.connect(connectCommand("conn-late", "cust-late")))
        .isInstanceOf(WorkflowUpdateException.class)
        .extracting(UpdateWorkflowFixtures::applicationFailure, InstanceOfAssertFactories.type(ApplicationFailure.class))
        .extracting(ApplicationFailure::getOriginalMessage)
        .isEqualTo(UpdateIntegrationWorkflow.REJECT_DELETING);
    // A repeated DELETE joins the one already accepted.
    assertThat(executor.delete(new DeleteCommand("u-del-again", INTEGRATION))).isEqualTo(run);
    firstPage.open();

    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    InOrder order = inOrder(store, steps, schedules);
    order.verify(store).beginDelete(delete);
    order.verify(schedules, times(3)).deleteBatch(INTEGRATION);
    order.verify(store).finishDelete(delete);
    verify(store, times(2)).beginDelete(delete);
    verify(store, never()).commitChange(any());
    verify(schedules, never()).connect(any());
    verify(steps, never()).begin(any());
  }

  @Test
  void withNothingToDoTheRunEndsAfterTheIdleTimeout(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);
    long started = env.currentTimeMillis();

    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);

    assertThat(env.currentTimeMillis() - started).isGreaterThanOrEqualTo(IDLE_MS);
    verifyNoInteractions(store, schedules);
  }

  @Test
  void progressReportsThePhaseOfThePass(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws InterruptedException {
    when(store.commitChange(any())).thenReturn(commit("u-3", 3));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 3, 5));
    Gate first = new Gate();
    Gate second = new Gate();
    AtomicInteger batches = new AtomicInteger();
    when(steps.write(any()))
        .thenAnswer(
            call ->
                switch (batches.incrementAndGet()) {
                  case 1 -> {
                    first.pass();
                    yield batch("c2", false, 3, 2);
                  }
                  default -> {
                    second.pass();
                    yield batch("c5", true, 3, 3);
                  }
                });
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);
    assertThat(executor.progress()).isEqualTo(new UpdateProgress(UpdateProgress.IDLE, 0, 0, null));

    executor.change(change("u-3", 2L));
    first.awaitEntered();
    // The pass runs as a child workflow of its own, named by the version it was started for.
    UpdateProgress passing = new UpdateProgress(UpdateProgress.PROPAGATING, 3, 3, Names.passWorkflowId(INTEGRATION, 3));
    assertThat(executor.progress()).isEqualTo(passing);
    first.open();
    second.awaitEntered();
    assertThat(executor.progress()).isEqualTo(passing);
    second.open();

    assertThat(Eventually.value(WAIT, executor::progress, p -> p.phase().equals(UpdateProgress.IDLE)))
        .isEqualTo(new UpdateProgress(UpdateProgress.IDLE, 3, 3, null));
  }

  @Test
  void theCommitRunsAsALocalActivityInTheWorkflowTaskThatAcceptedTheChange(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    ChangeCommand command = change("u-1", 0L);
    when(store.commitChange(command)).thenAnswer(call -> {
      assertThat(Activity.getExecutionContext().getInfo().isLocal()).isTrue();
      return commit("u-1", 1);
    });
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(false, 0, 0));
    startWorker(env, worker);
    UpdateIntegrationWorkflow executor = executor(client, worker);

    Commit answer =
        changeWithStart(executor, command, freshInput());

    assertThat(answer).isEqualTo(commit("u-1", 1));
    verify(steps, timeout(WAIT.toMillis())).begin(UpdateWorkflowFixtures.startOf(INTEGRATION));
    List<HistoryEvent> events = client.fetchHistory(Names.updateWorkflowId(INTEGRATION)).getEvents();
    // Accepted and completed by the first workflow task: no activity round trip in between.
    List<EventType> upToCompletion = eventTypesUpTo(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    assertThat(upToCompletion).last().isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    assertThat(upToCompletion).containsOnlyOnce(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    assertThat(upToCompletion.stream().filter(EventType.EVENT_TYPE_MARKER_RECORDED::equals))
        .hasSize(1); // LocalActivity (CommitChange)
    assertThat(upToCompletion)
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assertThat(scheduledActivities(client)).doesNotContain("CommitChange");
  }

  @Test
  void aPassThatFitsInOnePageIsOneActivity(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    when(store.commitChange(any())).thenReturn(commit("u-1", 1));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 1, 2));
    when(steps.write(any())).thenReturn(batch("c2", true, 1, 2));
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    executor.change(change("u-1", null));

    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1);
    assertThat(Eventually.value(WAIT, executor::progress, p -> p.phase().equals(UpdateProgress.IDLE)))
        .isEqualTo(new UpdateProgress(UpdateProgress.IDLE, 1, 1, null));
    // begun, written and finished in it, in the pass's own run
    assertThat(scheduledActivities(client, Names.passWorkflowId(INTEGRATION, 1))).containsExactly("BeginPass");
  }

  @Test
  void aLocalCommitThatKeepsFailingGoesToTheRegularActivityWhichRetriesUntilItCommits(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    ChangeCommand command = change("u-1", null);
    AtomicInteger localAttempts = new AtomicInteger();
    AtomicInteger regularAttempts = new AtomicInteger();
    when(store.commitChange(command)).thenAnswer(call -> {
      if (Activity.getExecutionContext().getInfo().isLocal()) {
        localAttempts.incrementAndGet();
        throw new IllegalStateException("database unavailable");
      }
      if (regularAttempts.incrementAndGet() < 3) {
        throw new IllegalStateException("database still unavailable");
      }
      return commit("u-1", 1);
    });
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(false, 0, 0));
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThat(executor.change(command)).isEqualTo(commit("u-1", 1));
    assertThat(localAttempts.get()).isGreaterThan(1); // retried locally within its budget first
    assertThat(regularAttempts).hasValue(3);
    assertThat(scheduledActivities(client)).startsWith("CommitChange");
  }

  @Test
  void aRefusalOfTheLocalCommitIsFinalAndNotRetriedAsARegularActivity(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    ChangeCommand stale = change("u-stale", 3L);
    when(store.commitChange(stale))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("expected version 3 but it is 4", StoreActivities.REFUSED, "VERSION_MISMATCH"));
    UpdateIntegrationWorkflow executor = startExecutor(env, client, worker);

    assertThatThrownBy(() -> executor.change(stale)).isInstanceOf(WorkflowUpdateException.class);
    verify(store).commitChange(stale);
    assertThat(scheduledActivities(client)).isEmpty();
  }

  /** The types of the history's events up to and including the first of type {@code last}. */
  private static List<EventType> eventTypesUpTo(List<HistoryEvent> events, EventType last) {
    List<EventType> types = new ArrayList<>();
    for (HistoryEvent e : events) {
      types.add(e.getEventType());
      if (e.getEventType() == last) {
        break;
      }
    }
    return types;
  }

  /** The activity types the integration's workflow has scheduled so far, in order. */
  private static List<String> scheduledActivities(WorkflowClient client) {
    return scheduledActivities(client, Names.updateWorkflowId(INTEGRATION));
  }

  /** The input a pass was started with, from its first event. */
  private static PassInput passInput(WorkflowClient client, String passId) {
    HistoryEvent started = client.fetchHistory(passId).getEvents().get(0);
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
        java.util.Optional.of(started.getWorkflowExecutionStartedEventAttributes().getInput()), PassInput.class, PassInput.class);
  }

  /** The activity types a workflow's newest run has scheduled so far, in order. */
  private static List<String> scheduledActivities(WorkflowClient client, String workflowId) {
    return client.fetchHistory(workflowId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
        .map(a -> a.getActivityType().getName())
        .toList();
  }
}
