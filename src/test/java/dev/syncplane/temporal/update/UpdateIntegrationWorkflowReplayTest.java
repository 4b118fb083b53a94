package dev.syncplane.temporal.update;

import static dev.syncplane.support.Histories.activities;
import static dev.syncplane.support.Histories.markers;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.INTEGRATION;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.WAIT;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.batch;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.change;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.changeWithStart;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.commit;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.connectCommand;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.connected;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.deleted;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.executor;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.freshInput;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.schedulesMock;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.updateRun;
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
import dev.syncplane.support.Histories;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import dev.syncplane.temporal.schedules.DriftKind;
import io.temporal.activity.Activity;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Determinism of {@link UpdateIntegrationWorkflowImpl} and of its update runs ({@link PassWorkflowImpl},
 * {@link RepairWorkflowImpl}, {@link DeleteWorkflowImpl}). One representative run: a change committed by a local
 * activity and its two-page pass, whose second page fails once and is retried after a timer; a connect, a disconnect,
 * a drift repair, a change whose local commit keeps failing and goes to the regular activity (its pass waits out the
 * pass interval and finds one page), a refused change, then a delete that ends the run. Its histories (the
 * integration's workflow, the first pass, the repair and the delete) are recorded in
 * {@code src/test/resources/histories/}; the runs recorded now and those histories must all replay. Record them again
 * with {@code -Dsyncplane.recordHistories=true} when a workflow changes (docs/versioning.md).
 */
@Timeout(60)
class UpdateIntegrationWorkflowReplayTest {
  static final String COMMITTED_HISTORY = "histories/update-integration.json";
  static final String PASS_HISTORY = "histories/update-pass.json";
  static final String REPAIR_HISTORY = "histories/update-repair.json";
  static final String DELETE_HISTORY = "histories/update-delete.json";
  /** Longer than the first pass, the connect, the disconnect, the repair and the local commit's 2 s of failing. */
  static final Duration PASS_INTERVAL = Duration.ofSeconds(5);

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = UpdateWorkflowFixtures.extension().build();

  @Test
  void aRecordedRunReplaysAndHasTheCurrentShape(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    recordRepresentativeRun(env, client, worker);
    WorkflowExecutionHistory integration = client.fetchHistory(Names.updateWorkflowId(INTEGRATION));
    WorkflowExecutionHistory pass = client.fetchHistory(Names.passWorkflowId(INTEGRATION, 1));
    WorkflowExecutionHistory repair = client.fetchHistory(Names.repairWorkflowId(INTEGRATION, "scan-1"));
    WorkflowExecutionHistory delete = client.fetchHistory(Names.deleteWorkflowId(INTEGRATION));

    WorkflowReplayer.replayWorkflowExecution(integration, UpdateIntegrationWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(pass, PassWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(repair, RepairWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecution(delete, DeleteWorkflowImpl.class);
    assertCurrentShape(integration, pass, repair, delete);
    Histories.recordIfAsked(integration, COMMITTED_HISTORY);
    Histories.recordIfAsked(pass, PASS_HISTORY);
    Histories.recordIfAsked(repair, REPAIR_HISTORY);
    Histories.recordIfAsked(delete, DELETE_HISTORY);
  }

  @Test
  void theCommittedHistoriesReplayAndHaveTheCurrentShape() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, UpdateIntegrationWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecutionFromResource(PASS_HISTORY, PassWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecutionFromResource(REPAIR_HISTORY, RepairWorkflowImpl.class);
    WorkflowReplayer.replayWorkflowExecutionFromResource(DELETE_HISTORY, DeleteWorkflowImpl.class);
    assertCurrentShape(
        Histories.fromResource(COMMITTED_HISTORY),
        Histories.fromResource(PASS_HISTORY),
        Histories.fromResource(REPAIR_HISTORY),
        Histories.fromResource(DELETE_HISTORY));
  }

  @Test
  void theCommittedHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SleepsBeforeCommit.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /** The workflow as it would be if a timer were added before the commit: the committed history no longer fits. */
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

  /**
   * What the runs must look like. The integration's workflow: no version markers; the commits and the delete's begin
   * as local activities, with the one commit that kept failing as the regular activity; no pass activity of its own
   * but two pass children, one repair child and one delete child; the pass interval waited out on a timer that says
   * so; and every idle timer cancelled or fired, none left behind. The first pass: begun by one activity, its second
   * page failed once, was retried after a timer, and its result lists the failure. The repair: one activity. The
   * delete: a batch per page and the final database write.
   */
  private static void assertCurrentShape(
      WorkflowExecutionHistory integration,
      WorkflowExecutionHistory pass,
      WorkflowExecutionHistory repair,
      WorkflowExecutionHistory delete) {
    List<HistoryEvent> events = integration.getEvents();
    assertThat(markers(events, "Version")).isEmpty();
    assertThat(markers(events, "LocalActivity")).hasSizeGreaterThanOrEqualTo(3); // 2 commits (1 refused), beginDelete
    assertThat(activities(events, "CommitChange")).isEqualTo(1);
    assertThat(activities(events, "BeginPass")).isZero();
    assertThat(activities(events, "Connect")).isEqualTo(1);
    assertThat(events.stream().filter(HistoryEvent::hasStartChildWorkflowExecutionInitiatedEventAttributes)
            .map(e -> e.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId()))
        .containsExactly(
            Names.passWorkflowId(INTEGRATION, 1),
            Names.repairWorkflowId(INTEGRATION, "scan-1"),
            Names.passWorkflowId(INTEGRATION, 2),
            Names.deleteWorkflowId(INTEGRATION));
    assertThat(events.stream().filter(HistoryEvent::hasTimerStartedEventAttributes)
            .filter(e -> e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds() < 60)
            .map(e -> summary(e)))
        .as("the second pass waited out the pass interval, and its timer says so")
        .anyMatch(s -> s.startsWith("waiting ") && s.endsWith(" to coalesce changes"));
    Set<String> idle = new HashSet<>();
    for (HistoryEvent e : events) {
      if (e.hasTimerStartedEventAttributes() && e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds() >= 60) {
        idle.add(e.getTimerStartedEventAttributes().getTimerId());
      } else if (e.hasTimerCanceledEventAttributes()) {
        idle.remove(e.getTimerCanceledEventAttributes().getTimerId());
      } else if (e.hasTimerFiredEventAttributes()) {
        idle.remove(e.getTimerFiredEventAttributes().getTimerId());
      }
    }
    assertThat(idle).as("idle timers neither cancelled nor fired").isEmpty();

    List<HistoryEvent> passEvents = pass.getEvents();
    assertThat(activities(passEvents, "BeginPass")).isEqualTo(1);
    assertThat(activities(passEvents, "ContinuePass")).isEqualTo(2);
    assertThat(passEvents.stream().filter(HistoryEvent::hasTimerStartedEventAttributes).map(e -> summary(e)))
        .singleElement().asString().startsWith("retry batch 2 in 1 s: ");
    PassResult result = DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0,
        java.util.Optional.of(pass.getLastEvent().getWorkflowExecutionCompletedEventAttributes().getResult()),
        PassResult.class, PassResult.class);
    assertThat(result.failedAttempts()).isEqualTo(1);
    assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.batch()).isEqualTo(2));
    assertThat(result.batches()).isEqualTo(2);

    assertThat(activities(repair.getEvents(), "Repair")).isEqualTo(1);
    assertThat(activities(delete.getEvents(), "DeleteBatch")).isEqualTo(2);
    assertThat(activities(delete.getEvents(), "FinishDelete")).isEqualTo(1);
  }

  /** The summary a timer's user metadata carries. */
  private static String summary(HistoryEvent timerStarted) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        timerStarted.getUserMetadata().getSummary(), String.class, String.class);
  }

  private static void recordRepresentativeRun(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
    PassSteps steps = mock(PassSteps.class);
    ScheduleActivities schedules = schedulesMock(steps);
    ChangeCommand first = change("u-1", 0L);
    ChangeCommand dbDown = change("u-2", null);
    ChangeCommand stale = change("u-3", 0L);
    ConnectCommand connect = connectCommand("conn-3", "cust-3");
    DisconnectCommand disconnect = new DisconnectCommand(INTEGRATION, "conn-1", "cust-1");
    RepairCommand repair = new RepairCommand(INTEGRATION, "scan-1", 10, false);
    IntegrationRepair repaired = new IntegrationRepair(
        INTEGRATION, 1, Map.of(DriftKind.PAUSED, 1), 1, Map.of(DriftKind.PAUSED, List.of("sync:int-1:cust-2")), 0, null);
    DeleteCommand delete = new DeleteCommand("u-4", INTEGRATION);
    UpdateRun deleting = updateRun("u-4", UpdateKind.DELETE, null, UpdateState.PENDING);
    when(store.commitChange(first)).thenReturn(commit("u-1", 1));
    when(store.commitChange(dbDown)).thenAnswer(call -> {
      if (Activity.getExecutionContext().getInfo().isLocal()) {
        throw new IllegalStateException("database unavailable");
      }
      return commit("u-2", 2);
    });
    when(store.commitChange(stale))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("at version 2, not 0", StoreActivities.REFUSED, "VERSION_MISMATCH"));
    when(steps.begin(UpdateWorkflowFixtures.startOf(INTEGRATION))).thenReturn(new FanOutStart(true, 1, 2), new FanOutStart(true, 2, 1));
    when(steps.write(any()))
        .thenReturn(batch("conn-1", false, 1, 1))
        .thenThrow(new IllegalStateException("database unavailable"))
        .thenReturn(batch("conn-2", true, 1, 1), batch("conn-2", true, 2, 1));
    when(schedules.connect(connect)).thenReturn(connected(connect, 1));
    when(schedules.disconnect(disconnect)).thenReturn(true);
    when(schedules.repair(any())).thenReturn(repaired);
    when(store.beginDelete(delete)).thenReturn(deleting);
    when(schedules.deleteBatch(INTEGRATION)).thenReturn(deleted(2, false), deleted(0, true));
    worker.registerActivitiesImplementations(store, schedules);
    env.start();

    UpdateIntegrationWorkflow workflow = executor(client, worker);
    Commit commit =
        changeWithStart(workflow, first, freshInput(PASS_INTERVAL.toMillis(), 2 * PASS_INTERVAL.toMillis()));
    assertThat(commit.integration().version()).isEqualTo(1);
    verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, 1);
    assertThat(workflow.connect(connect).created()).isTrue(); // while the pass ends: the pass is asked to yield
    assertThat(workflow.disconnect(disconnect)).isTrue();
    assertThat(workflow.repair(repair)).isEqualTo(repaired);
    assertThat(workflow.change(dbDown).integration().version()).isEqualTo(2);
    // The second pass waits out the pass interval (in real time: the test server skips time only for getResult).
    verify(steps, timeout(WAIT.plus(PASS_INTERVAL).toMillis())).finish(INTEGRATION, 2);
    assertThatThrownBy(() -> workflow.change(stale)).isInstanceOf(WorkflowUpdateException.class);
    assertThat(workflow.delete(delete)).isEqualTo(deleting);
    WorkflowStub.fromTyped(workflow).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(store).finishDelete(delete);
  }
}
