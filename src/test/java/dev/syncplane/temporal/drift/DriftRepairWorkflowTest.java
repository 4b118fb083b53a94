package dev.syncplane.temporal.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.support.Eventually;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DriftKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Unit tests of {@link DriftRepairWorkflowImpl} on the time-skipping test server with mocked activities. */
@Timeout(60)
class DriftRepairWorkflowTest {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final DriftSettings SETTINGS = new DriftSettings(Duration.ofMinutes(5).toMillis(), 1, 3);
  static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = extension().build();

  static TestWorkflowExtension.Builder extension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(DriftRepairWorkflowImpl.class)
        .setInitialTime(T0)
        .setDoNotStart(true);
  }

  private final DriftActivities activities = mock(DriftActivities.class, withSettings().withoutAnnotations());

  static DriftRepairWorkflow start(WorkflowClient client, Worker worker) {
    DriftRepairWorkflow workflow =
        client.newWorkflowStub(
            DriftRepairWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.DRIFT_REPAIR_WORKFLOW_ID)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(workflow::run, DriftRepairInput.fresh());
    return workflow;
  }

  static IntegrationRepair repaired(String integrationId, DriftKind kind, int n) {
    List<String> ids = IntStream.range(0, n).mapToObj(i -> Names.scheduleId(integrationId, "c" + i)).toList();
    return new IntegrationRepair(integrationId, n + 1, Map.of(kind, n), n, Map.of(kind, ids), 0, null);
  }

  private void startWorker(TestWorkflowEnvironment env, Worker worker) {
    when(activities.settings()).thenReturn(SETTINGS);
    worker.registerActivitiesImplementations(activities);
    env.start();
  }

  @Test
  void repairNowRunsADeepScanAndAddsUpWhatEachExecutorConfirmed(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any())).thenReturn(new ScanResult(List.of("a", "b"), 2, 9, 9));
    when(activities.repairIntegrations(any()))
        .thenReturn(List.of(repaired("a", DriftKind.INTERVAL, 2), repaired("b", DriftKind.INTERVAL, 3)));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    workflow.repairNow();

    ArgumentCaptor<DriftReport> stored = ArgumentCaptor.forClass(DriftReport.class);
    verify(activities, timeout(WAIT.toMillis())).store(stored.capture());
    DriftReport report = stored.getValue();
    assertThat(report.trigger()).isEqualTo(DriftReport.ON_DEMAND);
    assertThat(report.deep()).isTrue();
    assertThat(report.count(DriftKind.INTERVAL)).isEqualTo(5);
    assertThat(report.count(DriftKind.MISSING)).isZero();
    assertThat(report.repaired()).isEqualTo(5);
    assertThat(report.ids().get(DriftKind.INTERVAL)).hasSize(SETTINGS.maxIdsInReport()); // capped
    assertThat(report.suspects()).isEqualTo(2);
    assertThat(report.schedulesChecked()).isEqualTo(7);
    ArgumentCaptor<ScanRequest> scan = ArgumentCaptor.forClass(ScanRequest.class);
    verify(activities).scan(scan.capture());
    assertThat(scan.getValue().deep()).isTrue();
    assertThat(workflow.lastReport()).isEqualTo(report);
  }

  @Test
  void theRepairUpdateReturnsTheReportOfAScanThatStartedAfterIt(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any())).thenReturn(new ScanResult(List.of("a"), 1, 1, 0));
    when(activities.repairIntegrations(any())).thenReturn(List.of(repaired("a", DriftKind.MISSING, 1)));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    DriftReport first = workflow.repair(null);
    DriftReport second = workflow.repair(null);

    assertThat(first.count(DriftKind.MISSING)).isEqualTo(1);
    assertThat(second.scanId()).isNotEqualTo(first.scanId());
    verify(activities, timeout(WAIT.toMillis()).times(2)).store(any());
  }

  @Test
  void theRepairUpdateAsksForAListBasedRunWhoseSuspectCustomersReachTheExecutors(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any())).thenReturn(
        new ScanResult(List.of("a", "b"), 2, 9, 9, 2, null, Map.of("a", List.of("c1", "c2"))));
    when(activities.repairIntegrations(any()))
        .thenReturn(List.of(repaired("a", DriftKind.PAUSED, 1), repaired("b", DriftKind.INTERVAL, 1)));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    DriftReport report = workflow.repair(ScanMode.LIST.value());

    assertThat(report.deep()).isFalse();
    assertThat(report.trigger()).isEqualTo(DriftReport.ON_DEMAND);
    ArgumentCaptor<ScanRequest> scan = ArgumentCaptor.forClass(ScanRequest.class);
    verify(activities).scan(scan.capture());
    assertThat(scan.getValue().deep()).isFalse();
    ArgumentCaptor<RepairBatch> batch = ArgumentCaptor.forClass(RepairBatch.class);
    verify(activities).repairIntegrations(batch.capture());
    assertThat(batch.getValue().customersOf("a")).containsExactly("c1", "c2");
    assertThat(batch.getValue().customersOf("b")).isNull(); // as a whole

    assertThat(workflow.repair(null).deep()).isTrue(); // no argument, as the CLI sends it: deep
    assertThat(workflow.repair("deep").deep()).isTrue();
  }

  @Test
  void aRepairUpdateWithAnUnknownScanIsRejectedAndRunsNothing(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    assertThatThrownBy(() -> workflow.repair("shallow"))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("scan must be one of [deep, list]");
    verify(activities, never()).scan(any());
  }

  @Test
  void aShorterIntervalAnnouncedByAStartingReplicaAppliesAtOnce(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any())).thenReturn(new ScanResult(List.of(), 0, 0, 0));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);
    Eventually.within(WAIT, () -> assertThat(workflow.state().nextRunAt()).isNotNull());
    Instant plannedWithTheOldInterval = workflow.state().nextRunAt();

    workflow.settingsChanged(new DriftSettings(Duration.ofSeconds(15).toMillis(), 1, 3));

    Eventually.within(WAIT, () -> assertThat(workflow.state().nextRunAt()).isBefore(plannedWithTheOldInterval));
    env.sleep(Duration.ofSeconds(20));
    ArgumentCaptor<DriftReport> stored = ArgumentCaptor.forClass(DriftReport.class);
    verify(activities, timeout(WAIT.toMillis())).store(stored.capture());
    assertThat(stored.getValue().trigger()).isEqualTo(DriftReport.PERIODIC);
    assertThat(stored.getValue().startedAt()).isBefore(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void theIntervalRunsAPeriodicScanAndTheQueryShowsTheNextRun(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any())).thenReturn(new ScanResult(List.of(), 0, 0, 0));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);
    Eventually.within(WAIT, () -> assertThat(workflow.state().nextRunAt()) // one interval after the settings came back
        .isBetween(T0.plus(Duration.ofMillis(SETTINGS.intervalMs())), T0.plus(Duration.ofMinutes(6))));
    verify(activities, never()).scan(any());

    env.sleep(Duration.ofMinutes(6));

    ArgumentCaptor<DriftReport> stored = ArgumentCaptor.forClass(DriftReport.class);
    verify(activities, timeout(WAIT.toMillis())).store(stored.capture());
    assertThat(stored.getValue().trigger()).isEqualTo(DriftReport.PERIODIC);
    verify(activities, never()).repairIntegrations(any());
    assertThat(workflow.state().nextRunAt()).isAfter(T0.plus(Duration.ofMinutes(6)));
  }

  @Test
  void repairIntegrationChecksOnlyThatIntegrationWithoutAScan(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.repairIntegrations(any())).thenReturn(List.of(repaired("x", DriftKind.PAUSED, 1)));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    workflow.repairIntegration("not an id\"");
    workflow.repairIntegration("x");

    ArgumentCaptor<RepairBatch> batch = ArgumentCaptor.forClass(RepairBatch.class);
    verify(activities, timeout(WAIT.toMillis())).repairIntegrations(batch.capture());
    assertThat(batch.getValue().integrationIds()).containsExactly("x");
    verify(activities, timeout(WAIT.toMillis())).store(any());
    verify(activities, never()).scan(any());
    assertThat(workflow.lastReport().trigger()).isEqualTo(DriftReport.INTEGRATION);
  }

  @Test
  void manySuspectsAreSentInBoundedBatches(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    List<String> suspects = IntStream.range(0, 95).mapToObj(i -> "i" + i).toList();
    when(activities.scan(any())).thenReturn(new ScanResult(suspects, 95, 95, 95));
    when(activities.repairIntegrations(any())).thenAnswer(call -> {
      List<IntegrationRepair> out = new ArrayList<>();
      for (String id : call.getArgument(0, RepairBatch.class).integrationIds()) {
        out.add(repaired(id, DriftKind.VERSION, 1));
      }
      return out;
    });
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    DriftReport report = workflow.repair(null);

    ArgumentCaptor<RepairBatch> batches = ArgumentCaptor.forClass(RepairBatch.class);
    verify(activities, atLeast(1)).repairIntegrations(batches.capture());
    assertThat(batches.getAllValues()).hasSize(5).allSatisfy(b -> assertThat(b.integrationIds().size())
        .isLessThanOrEqualTo(DriftRepairWorkflowImpl.CHUNK));
    assertThat(report.count(DriftKind.VERSION)).isEqualTo(95);
  }

  @Test
  void moreSuspectsThanOneRunTakesAreTakenInTurnsAcrossRuns() {
    java.util.TreeSet<String> all = new java.util.TreeSet<>(List.of("a", "b", "c", "d", "e"));
    ScanResult first = ScanResult.of(all, 2, null, 5, 5, 5);
    ScanResult second = ScanResult.of(all, 2, first.resumeAfter(), 5, 5, 5);
    ScanResult third = ScanResult.of(all, 2, second.resumeAfter(), 5, 5, 5);
    assertThat(first.suspects()).containsExactly("a", "b");
    assertThat(second.suspects()).containsExactly("c", "d");
    assertThat(third.suspects()).containsExactly("e", "a"); // wraps around
    assertThat(first.suspectsFound()).isEqualTo(5);
    assertThat(ScanResult.of(all, 5, "c", 5, 5, 5).resumeAfter()).isNull();
    DriftReport report = new DriftTally(3).scanned(first).report("s", DriftReport.PERIODIC, true, T0, T0);
    assertThat(report.suspects()).isEqualTo(5);
    assertThat(report.skipped()).containsExactly("3 suspect integrations wait for the next run");
  }

  @Test
  void aFailingScanIsReportedAndTheWorkflowGoesOn(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("visibility unavailable", "Test"))
        .thenReturn(new ScanResult(List.of(), 0, 0, 0));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);

    DriftReport failed = workflow.repair(null);
    DriftReport next = workflow.repair(null);

    assertThat(failed.errors()).singleElement().asString().contains("visibility unavailable");
    assertThat(next.errors()).isEmpty();
    assertThat(WorkflowStub.fromTyped(workflow).describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void itContinuesAsNewAfterItsCyclesAndKeepsTheLastReport(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    when(activities.scan(any())).thenReturn(new ScanResult(List.of(), 0, 0, 0));
    startWorker(env, worker);
    DriftRepairWorkflow workflow = start(client, worker);
    String firstRun = WorkflowStub.fromTyped(workflow).getExecution().getRunId();

    env.sleep(Duration.ofMinutes(5L * DriftRepairWorkflowImpl.CYCLES_PER_RUN + 2));

    verify(activities, timeout(WAIT.toMillis()).atLeast(DriftRepairWorkflowImpl.CYCLES_PER_RUN)).store(any());
    String currentRun = client.newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID).describe().getExecution().getRunId();
    assertThat(currentRun).isNotEqualTo(firstRun);
    DriftRepairWorkflow current = client.newWorkflowStub(DriftRepairWorkflow.class, Names.DRIFT_REPAIR_WORKFLOW_ID);
    assertThat(current.lastReport()).isNotNull();
    assertThat(current.lastReport().trigger()).isEqualTo(DriftReport.PERIODIC);
  }
}
