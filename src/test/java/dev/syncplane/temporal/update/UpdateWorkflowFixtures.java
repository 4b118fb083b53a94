package dev.syncplane.temporal.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.core.Commit;
import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import dev.syncplane.temporal.Names;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Test data and helpers shared by the workflow's unit and replay tests. */
final class UpdateWorkflowFixtures {
  static final String INTEGRATION = "int-1";
  static final long IDLE_MS = 60_000;
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  /** Long enough for a slow CI machine, short enough that a broken test fails rather than hangs. */
  static final Duration WAIT = Duration.ofSeconds(10);

  private UpdateWorkflowFixtures() {}

  /**
   * A ScheduleActivities mock whose {@code beginPass} and {@code continuePass} compose the mocked {@code steps}
   * as the real activities do ({@link ScheduleActivitiesImpl#beginPass(PassStart, PassSteps)}): tests stub and verify
   * the steps.
   */
  static ScheduleActivities schedulesMock(PassSteps steps) {
    ScheduleActivities schedules = mock(ScheduleActivities.class, withSettings().withoutAnnotations());
    when(schedules.beginPass(any()))
        .thenAnswer(call -> ScheduleActivitiesImpl.beginPass(call.getArgument(0), steps));
    when(schedules.continuePass(any(), anyLong()))
        .thenAnswer(call -> ScheduleActivitiesImpl.continuePass(call.getArgument(0), call.getArgument(1), steps));
    return schedules;
  }

  /** Matches the start of a pass of {@code integrationId}, whichever run carries it. */
  static PassStart startOf(String integrationId) {
    return org.mockito.ArgumentMatchers.argThat(s -> s != null && s.integrationId().equals(integrationId));
  }

  /** Every commit on the {@code store} mock is the next version: 1, 2, 3…; the counter holds the newest. */
  static AtomicLong everyCommitANewVersion(StoreActivities store) {
    AtomicLong committed = new AtomicLong();
    when(store.commitChange(any()))
        .thenAnswer(call -> commit(call.<ChangeCommand>getArgument(0).updateId(), committed.incrementAndGet()));
    return committed;
  }

  /** Each pass carries the newest committed version to one connection, in one page; {@code onBegin} runs as it begins. */
  static void onePagePasses(PassSteps steps, AtomicLong committed, Runnable onBegin) {
    when(steps.begin(startOf(INTEGRATION))).thenAnswer(call -> {
      onBegin.run();
      return new FanOutStart(true, committed.get(), 1);
    });
    when(steps.write(any())).thenAnswer(call -> batch("c1", true, committed.get(), 1));
  }

  /** The workflow's workflow type with the search attributes its code and its callers set. */
  static TestWorkflowExtension.Builder extension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(UpdateWorkflows.TYPES.toArray(Class<?>[]::new))
        .registerSearchAttribute(Names.INTEGRATION_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(Names.CONFIG_VERSION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT)
        .setInitialTime(T0)
        .setDoNotStart(true);
  }

  /** A stub as UpdateSender builds it, on the test worker's task queue. */
  static UpdateIntegrationWorkflow executor(WorkflowClient client, Worker worker) {
    return client.newWorkflowStub(
        UpdateIntegrationWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(Names.updateWorkflowId(INTEGRATION))
            .setTaskQueue(worker.getTaskQueue())
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setTypedSearchAttributes(SearchAttributes.newBuilder().set(Names.INTEGRATION_ID, INTEGRATION).build())
            .build());
  }

  /** Without a pass interval: each change starts its pass at once. */
  static UpdateWorkflowInput freshInput() {
    return freshInput(0);
  }

  /** A fixed pass interval: it never backs off. */
  static UpdateWorkflowInput freshInput(long minPassIntervalMs) {
    return freshInput(minPassIntervalMs, minPassIntervalMs);
  }

  static UpdateWorkflowInput freshInput(long minPassIntervalMs, long maxPassIntervalMs) {
    return UpdateWorkflowInput.fresh(INTEGRATION, IDLE_MS, minPassIntervalMs, maxPassIntervalMs);
  }

  /** A change sent as UpdateSender sends it: update-with-start, answered once the commit is durable. */
  static Commit changeWithStart(UpdateIntegrationWorkflow executor, ChangeCommand command, UpdateWorkflowInput input) {
    return WorkflowClient.executeUpdateWithStart(
        executor::change,
        command,
        UpdateOptions.newBuilder(Commit.class).setUpdateId(command.updateId()).build(),
        new WithStartWorkflowOperation<>(executor::run, input));
  }

  static ChangeCommand change(String updateId, Long expectedVersion) {
    return new ChangeCommand(
        updateId, INTEGRATION, new IntegrationChange("renamed", 900_000L, true), expectedVersion, "key-" + updateId);
  }

  static Integration integration(long version) {
    return new Integration(
        INTEGRATION, "simulated", "renamed", 900_000L, true, version, IntegrationState.ACTIVE, T0, T0);
  }

  static UpdateRun updateRun(String id, UpdateKind kind, Long version, UpdateState state) {
    return new UpdateRun(
        id, INTEGRATION, kind, version, state, "key-" + id, 0, 0, Names.updateWorkflowId(INTEGRATION), "run", T0, null);
  }

  static Commit commit(String updateId, long version) {
    return new Commit(integration(version), updateRun(updateId, UpdateKind.CHANGE, version, UpdateState.COMMITTED), false, java.util.List.of());
  }

  static BatchResult batch(String lastConnectionId, boolean done, long version, int processed) {
    return new BatchResult(lastConnectionId, done, version, processed, processed, 0, 0, List.of(), List.of());
  }

  static BatchResult deleted(int processed, boolean done) {
    return new BatchResult(null, done, 0, processed, 0, 0, 0, List.of(), List.of());
  }

  static ConnectCommand connectCommand(String connectionId, String customerId) {
    return new ConnectCommand(INTEGRATION, connectionId, customerId);
  }

  static ConnectResult connected(ConnectCommand command, long version) {
    Connection connection = new Connection(command.connectionId(), INTEGRATION, command.customerId(), T0);
    return new ConnectResult(connection, Names.scheduleId(INTEGRATION, command.customerId()), version, true);
  }

  /** Blocks the activity thread until {@link #open()}, so a test can act while the activity runs. */
  static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    /** Called by a mocked activity. */
    void pass() throws InterruptedException {
      entered.countDown();
      assertThat(opened.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("gate opened in time").isTrue();
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("activity reached the gate").isTrue();
    }

    void open() {
      opened.countDown();
    }
  }

  /** The ApplicationFailure somewhere in the cause chain of what a client call threw. */
  static ApplicationFailure applicationFailure(Throwable thrown) {
    return dev.syncplane.temporal.TemporalFailures.find(thrown, ApplicationFailure.class)
        .orElseThrow(() -> new AssertionError("no ApplicationFailure in the cause chain", thrown));
  }
}
