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
 * Determinism of {@link UpdateIntegrationWorkflowImpl}. One representative run: a change committed by a local
 * activity and its two-page pass, a connect, a disconnect, a drift repair, a change whose local commit keeps failing
 * and goes to the regular activity (its pass waits out the pass interval and finds one page), a refused change,
 * then a delete that ends the run. It is recorded in {@code src/test/resources/histories/update-integration.json};
 * the run recorded now and that history must both replay. Record it again with
 * {@code -Dsyncplane.recordHistories=true} when the workflow changes (docs/versioning.md).
 */
@Timeout(60)
class UpdateIntegrationWorkflowReplayTest {
  static final String COMMITTED_HISTORY = "histories/update-integration.json";
  /** Longer than the first pass, the connect, the disconnect, the repair and the local commit's 2 s of failing. */
  static final Duration PASS_INTERVAL = Duration.ofSeconds(5);

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = UpdateWorkflowFixtures.extension().build();

  @Test
  void aRecordedRunReplaysAndHasTheCurrentShape(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    WorkflowExecutionHistory history = recordRepresentativeRun(env, client, worker);

    WorkflowReplayer.replayWorkflowExecution(history, UpdateIntegrationWorkflowImpl.class);
    assertCurrentShape(history);
    Histories.recordIfAsked(history, COMMITTED_HISTORY);
  }

  @Test
  void theCommittedHistoryReplaysAndHasTheCurrentShape() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, UpdateIntegrationWorkflowImpl.class);
    assertCurrentShape(Histories.fromResource(COMMITTED_HISTORY));
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
   * What the run must look like: no version markers; the commits and the delete's begin as local activities, with
   * the one commit that kept failing as the regular activity; each pass begins with one activity and its last page
   * finishes it (BeginPass twice, ContinuePass once for the two-page pass); the pass interval waited out; the
   * workflow's ConfigVersion written once per pass that carries a newer version, in the task that begins the pass;
   * and every idle timer cancelled or fired, none left behind.
   */
  private static void assertCurrentShape(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    assertThat(markers(events, "Version")).isEmpty();
    assertThat(markers(events, "LocalActivity")).hasSizeGreaterThanOrEqualTo(3); // 2 commits (1 refused), beginDelete
    assertThat(activities(events, "CommitChange")).isEqualTo(1);
    assertThat(activities(events, "BeginPass")).isEqualTo(2);
    assertThat(activities(events, "ContinuePass")).isEqualTo(1);
    assertThat(activities(events, "Repair")).isEqualTo(1);
    assertThat(activities(events, "DeleteBatch")).isEqualTo(2);
    assertThat(events.stream().filter(HistoryEvent::hasTimerStartedEventAttributes)
            .map(e -> e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
            .filter(s -> s < 60)) // the idle timeout's timers are 60 s
        .as("the second pass waited out the pass interval")
        .isNotEmpty();

    List<Long> upserted = events.stream().filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .map(e -> e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap()
            .get(Names.CONFIG_VERSION.getName()))
        .map(p -> DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, Long.class, Long.class))
        .toList();
    assertThat(upserted).containsExactly(1L, 2L);
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).hasUpsertWorkflowSearchAttributesEventAttributes()) {
        assertThat(sameTask(events, i)).anyMatch(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("BeginPass"));
      }
    }
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
  }

  /** The commands of the workflow task whose completion precedes event {@code i}. */
  private static List<HistoryEvent> sameTask(List<HistoryEvent> events, int i) {
    int from = i;
    while (from > 0 && !events.get(from - 1).hasWorkflowTaskCompletedEventAttributes()) {
      from--;
    }
    int to = i;
    while (to < events.size() && !events.get(to).hasWorkflowTaskScheduledEventAttributes()
        && !events.get(to).hasWorkflowTaskCompletedEventAttributes()) {
      to++;
    }
    return events.subList(from, to);
  }

  private static WorkflowExecutionHistory recordRepresentativeRun(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
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
    when(steps.write(any())).thenReturn(batch("conn-1", false, 1, 1), batch("conn-2", true, 1, 1), batch("conn-2", true, 2, 1));
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
    assertThat(workflow.connect(connect).created()).isTrue();
    assertThat(workflow.disconnect(disconnect)).isTrue();
    assertThat(workflow.repair(repair)).isEqualTo(repaired);
    assertThat(workflow.change(dbDown).integration().version()).isEqualTo(2);
    // The second pass waits out the pass interval (in real time: the test server skips time only for getResult).
    verify(steps, timeout(WAIT.plus(PASS_INTERVAL).toMillis())).finish(INTEGRATION, 2);
    assertThatThrownBy(() -> workflow.change(stale)).isInstanceOf(WorkflowUpdateException.class);
    assertThat(workflow.delete(delete)).isEqualTo(deleting);
    WorkflowStub.fromTyped(workflow).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(store).finishDelete(delete);
    return client.fetchHistory(Names.updateWorkflowId(INTEGRATION));
  }
}
