package dev.syncplane.temporal.update;

import static dev.syncplane.temporal.update.ExecutorFixtures.INTEGRATION;
import static dev.syncplane.temporal.update.ExecutorFixtures.schedulesMock;
import static dev.syncplane.temporal.update.ExecutorFixtures.WAIT;
import static dev.syncplane.temporal.update.ExecutorFixtures.batch;
import static dev.syncplane.temporal.update.ExecutorFixtures.change;
import static dev.syncplane.temporal.update.ExecutorFixtures.changeWithStart;
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
import io.temporal.activity.Activity;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Determinism of the executor since its handlers write the DB as local activities ({@code Workflow.getVersion}
 * change {@value UpdateIntegrationWorkflowImpl#LOCAL_HANDLER_WRITES}, version 1): a change committed locally and
 * its pass, a connect and a disconnect, a change whose local commit keeps failing and goes to the regular
 * activity and whose pass finds no connection (no batch: {@value UpdateIntegrationWorkflowImpl#EMPTY_PASS_SKIPS_BATCH}),
 * a refused change, then a delete begun locally that ends the run. Committed in
 * {@code src/test/resources/histories/update-integration-local-writes.json}. The same run recorded since a pass
 * begins with one activity ({@value UpdateIntegrationWorkflowImpl#ONE_ACTIVITY_PASS}) is committed in
 * {@code histories/update-integration-one-activity-pass.json}, and since the executor's history is lean
 * ({@value UpdateIntegrationWorkflowImpl#LEAN_HISTORY}) in {@code histories/update-integration-lean-history.json}, and
 * since the pass interval backs off ({@value UpdateIntegrationWorkflowImpl#PASS_BACKOFF}) in
 * {@code histories/update-integration-pass-backoff.json}, and since a pass's last batch finishes it
 * ({@value UpdateIntegrationWorkflowImpl#LAST_BATCH_FINISHES}) in
 * {@code histories/update-integration-last-batch-finishes.json}; record that one again with
 * {@code -Dsyncplane.recordHistories=true}. The histories recorded before the change
 * ({@link UpdateIntegrationWorkflowReplayTest}, {@link UpdateIntegrationWorkflowRepairReplayTest}) still replay
 * on the regular-activity path.
 */
@Timeout(60)
class UpdateIntegrationWorkflowLocalWritesReplayTest {
  static final String COMMITTED_HISTORY = "histories/update-integration-local-writes.json";
  static final String ONE_ACTIVITY_PASS_HISTORY = "histories/update-integration-one-activity-pass.json";
  static final String LEAN_HISTORY = "histories/update-integration-lean-history.json";
  static final String PASS_BACKOFF_HISTORY = "histories/update-integration-pass-backoff.json";
  static final String CURRENT_HISTORY = "histories/update-integration-last-batch-finishes.json";
  /** Longer than the first pass, the connect, the disconnect and the local commit's 2 s of failing take. */
  static final java.time.Duration PASS_INTERVAL = java.time.Duration.ofSeconds(5);

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = ExecutorFixtures.extension().build();

  @Test
  void aRecordedRunReplays(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    WorkflowExecutionHistory history = recordRepresentativeRun(env, client, worker);

    WorkflowReplayer.replayWorkflowExecution(history, UpdateIntegrationWorkflowImpl.class);
    assertPassesTakeOneActivity(history);
    assertLastBatchFinishes(history);
    assertLean(history);
    assertThat(versionMarkers(history.getEvents())).containsExactlyInAnyOrder(CURRENT_MARKERS);
    if (Boolean.getBoolean("syncplane.recordHistories")) {
      Files.writeString(Path.of("src/test/resources", CURRENT_HISTORY), history.toJson(true));
    }
  }

  /** The version markers of a run recorded now. */
  private static final String[] CURRENT_MARKERS = {
      UpdateIntegrationWorkflowImpl.LEAN_HISTORY, UpdateIntegrationWorkflowImpl.LOCAL_HANDLER_WRITES,
      UpdateIntegrationWorkflowImpl.ONE_ACTIVITY_PASS, UpdateIntegrationWorkflowImpl.PASS_BACKOFF,
      UpdateIntegrationWorkflowImpl.LAST_BATCH_FINISHES};

  @Test
  void theCurrentHistoryReplaysAndIsLean() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(CURRENT_HISTORY, UpdateIntegrationWorkflowImpl.class);
    assertPassesTakeOneActivity(fromResource(CURRENT_HISTORY));
    assertLastBatchFinishes(fromResource(CURRENT_HISTORY));
    assertLean(fromResource(CURRENT_HISTORY));
    assertThat(versionMarkers(fromResource(CURRENT_HISTORY).getEvents())).containsExactlyInAnyOrder(CURRENT_MARKERS);
  }

  @Test
  void theHistoryFromBeforeTheLastBatchFinishedReplaysWithItsFinishFanOut() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(PASS_BACKOFF_HISTORY, UpdateIntegrationWorkflowImpl.class);
    assertPassesTakeOneActivity(fromResource(PASS_BACKOFF_HISTORY));
    assertFinishFanOutAfterTheLastBatch(fromResource(PASS_BACKOFF_HISTORY));
    assertLean(fromResource(PASS_BACKOFF_HISTORY));
    assertThat(versionMarkers(fromResource(PASS_BACKOFF_HISTORY).getEvents())).containsExactlyInAnyOrder(
        UpdateIntegrationWorkflowImpl.LEAN_HISTORY, UpdateIntegrationWorkflowImpl.LOCAL_HANDLER_WRITES,
        UpdateIntegrationWorkflowImpl.ONE_ACTIVITY_PASS, UpdateIntegrationWorkflowImpl.PASS_BACKOFF);
  }

  @Test
  void theHistoryFromBeforePassBackoffReplaysAndIsLean() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(LEAN_HISTORY, UpdateIntegrationWorkflowImpl.class);
    assertPassesTakeOneActivity(fromResource(LEAN_HISTORY));
    assertFinishFanOutAfterTheLastBatch(fromResource(LEAN_HISTORY));
    assertLean(fromResource(LEAN_HISTORY));
    assertThat(versionMarkers(fromResource(LEAN_HISTORY).getEvents())).containsExactlyInAnyOrder(
        UpdateIntegrationWorkflowImpl.LEAN_HISTORY, UpdateIntegrationWorkflowImpl.LOCAL_HANDLER_WRITES,
        UpdateIntegrationWorkflowImpl.ONE_ACTIVITY_PASS);
  }

  @Test
  void theHistoryFromBeforeLeanHistoryReplaysAndItsPassesBeginWithOneActivity() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(ONE_ACTIVITY_PASS_HISTORY, UpdateIntegrationWorkflowImpl.class);
    assertPassesTakeOneActivity(fromResource(ONE_ACTIVITY_PASS_HISTORY));
    assertFinishFanOutAfterTheLastBatch(fromResource(ONE_ACTIVITY_PASS_HISTORY));
    assertThat(versionMarkers(fromResource(ONE_ACTIVITY_PASS_HISTORY).getEvents()))
        .containsExactlyInAnyOrder(UpdateIntegrationWorkflowImpl.LOCAL_HANDLER_WRITES, UpdateIntegrationWorkflowImpl.ONE_ACTIVITY_PASS);
  }

  @Test
  void theCommittedHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, UpdateIntegrationWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryHasTheLocalWritesAndTheFallback() throws Exception {
    assertTakesBothPaths(fromResource(COMMITTED_HISTORY));
  }

  private static WorkflowExecutionHistory fromResource(String resource) throws java.io.IOException {
    try (var in = UpdateIntegrationWorkflowLocalWritesReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void theCommittedHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(
                COMMITTED_HISTORY, UpdateIntegrationWorkflowReplayTest.SleepsBeforeCommit.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /** The version marker, the local commits and begin-delete, and the one commit that went to the regular activity. */
  private static void assertTakesBothPaths(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    assertThat(markers(events, "Version")).hasSize(2); // local-handler-writes, empty-pass-skips-batch
    assertThat(markers(events, "LocalActivity")).hasSizeGreaterThanOrEqualTo(3); // 2 commits (1 refused), beginDelete
    assertThat(activities(events, "CommitChange")).isEqualTo(1);
    assertThat(activities(events, "FanOutBatch")).isEqualTo(2); // the first pass's two; the empty pass has none
  }

  /**
   * Both passes begin with BeginPass: the first (two pages) goes on with one more batch activity, the second (no
   * connection) is that one activity; no BeginFanOut.
   */
  private static void assertPassesTakeOneActivity(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    assertThat(versionMarkers(events)).contains(UpdateIntegrationWorkflowImpl.LOCAL_HANDLER_WRITES, UpdateIntegrationWorkflowImpl.ONE_ACTIVITY_PASS);
    assertThat(activities(events, "CommitChange")).isEqualTo(1);
    assertThat(activities(events, "BeginPass")).isEqualTo(2);
    assertThat(activities(events, "FanOutBatch") + activities(events, "ContinuePass")).isEqualTo(1);
    assertThat(activities(events, "BeginFanOut")).isZero();
    assertThat(events.stream().filter(HistoryEvent::hasTimerStartedEventAttributes)
            .map(e -> e.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
            .filter(s -> s < 60)) // the idle timeout's timers are 60 s
        .isNotEmpty(); // the second pass waited out the pass interval
  }

  /** Since {@value UpdateIntegrationWorkflowImpl#LAST_BATCH_FINISHES}: the two-page pass's second page finished it. */
  private static void assertLastBatchFinishes(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    assertThat(activities(events, "ContinuePass")).isEqualTo(1);
    assertThat(activities(events, "FanOutBatch")).isZero();
    assertThat(activities(events, "FinishFanOut")).isZero();
  }

  /** Before {@value UpdateIntegrationWorkflowImpl#LAST_BATCH_FINISHES}: FanOutBatch, then FinishFanOut. */
  private static void assertFinishFanOutAfterTheLastBatch(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    assertThat(activities(events, "FanOutBatch")).isEqualTo(1);
    assertThat(activities(events, "FinishFanOut")).isEqualTo(1);
    assertThat(activities(events, "ContinuePass")).isZero();
  }

  /**
   * Since {@value UpdateIntegrationWorkflowImpl#LEAN_HISTORY}: the executor's ConfigVersion is written once per pass
   * that carries a newer version (versions 1 and 2 here), in the task that begins it; and every idle timer it
   * started was cancelled or fired, none left behind.
   */
  private static void assertLean(WorkflowExecutionHistory history) {
    List<HistoryEvent> events = history.getEvents();
    assertThat(versionMarkers(events)).contains(UpdateIntegrationWorkflowImpl.LEAN_HISTORY);
    List<Long> upserted = events.stream().filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .map(e -> e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap()
            .get(Names.CONFIG_VERSION.getName()))
        .map(p -> io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, Long.class, Long.class))
        .toList();
    assertThat(upserted).containsExactly(1L, 2L);
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).hasUpsertWorkflowSearchAttributesEventAttributes()) {
        assertThat(sameTask(events, i)).anyMatch(e -> e.hasActivityTaskScheduledEventAttributes()
            && e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("BeginPass"));
      }
    }
    java.util.Set<String> idle = new java.util.HashSet<>();
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

  private static List<String> versionMarkers(List<HistoryEvent> events) {
    return markers(events, "Version").stream()
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId"))
        .map(p -> io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0, java.util.Optional.of(p), String.class, String.class))
        .toList();
  }

  private static long activities(List<HistoryEvent> events, String type) {
    return events.stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(type))
        .count();
  }

  private static List<HistoryEvent> markers(List<HistoryEvent> events, String name) {
    return events.stream()
        .filter(e -> e.hasMarkerRecordedEventAttributes() && e.getMarkerRecordedEventAttributes().getMarkerName().equals(name))
        .toList();
  }

  static WorkflowExecutionHistory recordRepresentativeRun(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
    ScheduleActivities schedules = schedulesMock(store);
    ChangeCommand first = change("u-1", 0L);
    ChangeCommand dbDown = change("u-2", null);
    ChangeCommand stale = change("u-3", 0L);
    ConnectCommand connect = connectCommand("conn-3", "cust-3");
    DisconnectCommand disconnect = new DisconnectCommand(INTEGRATION, "conn-1", "cust-1");
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
    // The second pass finds no connection left (say, all disconnected meanwhile): it is one BeginPass.
    when(store.beginFanOut(INTEGRATION)).thenReturn(new FanOutStart(true, 1, 2), new FanOutStart(true, 2, 0));
    when(schedules.fanOutBatch(any())).thenReturn(batch("conn-1", false, 1, 1), batch("conn-2", true, 1, 1));
    when(schedules.connect(connect)).thenReturn(connected(connect, 1));
    when(schedules.disconnect(disconnect)).thenReturn(true);
    when(store.beginDelete(delete)).thenReturn(deleting);
    when(schedules.deleteBatch(INTEGRATION)).thenReturn(deleted(2, false), deleted(0, true));
    worker.registerActivitiesImplementations(store, schedules);
    env.start();

    UpdateIntegrationWorkflow executor = executor(client, worker);
    Commit commit =
        changeWithStart(executor, first, freshInput(PASS_INTERVAL.toMillis(), 2 * PASS_INTERVAL.toMillis()));
    assertThat(commit.integration().version()).isEqualTo(1);
    verify(store, timeout(WAIT.toMillis())).finishFanOut(INTEGRATION, 1);
    assertThat(executor.connect(connect).created()).isTrue();
    assertThat(executor.disconnect(disconnect)).isTrue();
    assertThat(executor.change(dbDown).integration().version()).isEqualTo(2);
    // The second pass waits out the pass interval (in real time: the test server skips time only for getResult).
    verify(store, timeout(WAIT.plus(PASS_INTERVAL).toMillis())).finishFanOut(INTEGRATION, 2);
    assertThatThrownBy(() -> executor.change(stale)).isInstanceOf(WorkflowUpdateException.class);
    assertThat(executor.delete(delete)).isEqualTo(deleting);
    WorkflowStub.fromTyped(executor).getResult(WAIT.toMillis(), TimeUnit.MILLISECONDS, Void.class);
    verify(store).finishDelete(delete);
    return client.fetchHistory(Names.updateWorkflowId(INTEGRATION));
  }
}
