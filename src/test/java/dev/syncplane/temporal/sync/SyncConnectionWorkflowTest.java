package dev.syncplane.temporal.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.temporal.Names;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

/** Unit tests of {@link SyncConnectionWorkflowImpl} with a mocked {@link SyncActivities}. */
@Timeout(30)
class SyncConnectionWorkflowTest {
  static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  static final SyncRequest REQUEST = new SyncRequest("int-1", "conn-1", "cust-1");

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = extension().build();

  /** The sync workflow with the search attributes a Schedule's runs carry, shared with the replay test. */
  static TestWorkflowExtension.Builder extension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(SyncConnectionWorkflowImpl.class)
        .registerSearchAttribute(Names.CONFIG_VERSION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT)
        // A Schedule's runs carry it; the test server needs it declared to accept it at start.
        .registerSearchAttribute(Names.SCHEDULED_START_TIME.getName(), IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .setInitialTime(T0)
        .setDoNotStart(true);
  }

  private final SyncActivities activities = mock(SyncActivities.class, withSettings().withoutAnnotations());

  /** A stub shaped like a Schedule's action: its workflow id, and the search attributes of a scheduled run. */
  static SyncConnectionWorkflow scheduledRun(WorkflowClient client, Worker worker, Instant scheduledAt) {
    return client.newWorkflowStub(
        SyncConnectionWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(Names.syncWorkflowId(REQUEST.integrationId(), REQUEST.customerId()) + "-" + scheduledAt)
            .setTaskQueue(worker.getTaskQueue())
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(Names.CONFIG_VERSION, 7L)
                    .set(Names.SCHEDULED_START_TIME, OffsetDateTime.ofInstant(scheduledAt, ZoneOffset.UTC))
                    .build())
            .build());
  }

  @Test
  void runsTheSyncOfItsConnectionAndReturnsItsOutcome(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    SyncOutcome outcome = new SyncOutcome("SUCCEEDED", 42, null);
    when(activities.runSync(any())).thenReturn(outcome);
    worker.registerActivitiesImplementations(activities);
    env.start();
    Instant scheduledAt = T0.minusSeconds(5);
    SyncConnectionWorkflow workflow = scheduledRun(client, worker, scheduledAt);

    WorkflowExecution execution = WorkflowClient.start(workflow::sync, REQUEST);
    SyncOutcome result = WorkflowStub.fromTyped(workflow).getResult(10, TimeUnit.SECONDS, SyncOutcome.class);

    assertThat(result).isEqualTo(outcome);
    ArgumentCaptor<SyncJob> job = ArgumentCaptor.forClass(SyncJob.class);
    verify(activities).runSync(job.capture());
    SyncJob sent = job.getValue();
    assertThat(sent.request()).isEqualTo(REQUEST);
    assertThat(sent.workflowId()).isEqualTo(execution.getWorkflowId());
    assertThat(sent.runId()).isEqualTo(execution.getRunId());
    assertThat(sent.configVersion()).isEqualTo(7L);
    assertThat(sent.scheduledAtMs()).isEqualTo(scheduledAt.toEpochMilli());
    // Workflow time, not the wall clock: the test server's clock starts at T0.
    assertThat(sent.startedAtMs()).isBetween(T0.toEpochMilli(), env.currentTimeMillis());
  }

  @Test
  void aRunStartedByHandHasNoVersionOrScheduledTime(TestWorkflowEnvironment env, WorkflowClient client, Worker worker)
      throws Exception {
    SyncOutcome outcome = new SyncOutcome("SKIPPED", 0, "connection no longer exists");
    when(activities.runSync(any())).thenReturn(outcome);
    worker.registerActivitiesImplementations(activities);
    env.start();
    SyncConnectionWorkflow workflow =
        client.newWorkflowStub(
            SyncConnectionWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("sync-now-1").setTaskQueue(worker.getTaskQueue()).build());

    assertThat(workflow.sync(REQUEST)).isEqualTo(outcome);
    ArgumentCaptor<SyncJob> job = ArgumentCaptor.forClass(SyncJob.class);
    verify(activities).runSync(job.capture());
    assertThat(job.getValue().workflowId()).isEqualTo("sync-now-1");
    assertThat(job.getValue().configVersion()).isNull();
    assertThat(job.getValue().scheduledAtMs()).isNull();
  }

  @Test
  void aFailingAttemptIsRetried(TestWorkflowEnvironment env, WorkflowClient client, Worker worker) throws Exception {
    SyncOutcome outcome = new SyncOutcome("SUCCEEDED", 3, null);
    when(activities.runSync(any()))
        .thenThrow(new IllegalStateException("database unavailable"))
        .thenThrow(new IllegalStateException("database unavailable"))
        .thenReturn(outcome);
    worker.registerActivitiesImplementations(activities);
    env.start();
    SyncConnectionWorkflow workflow = scheduledRun(client, worker, T0);

    WorkflowClient.start(workflow::sync, REQUEST);
    // Time skipping makes the retry back-off instant while the test waits for the result.
    assertThat(WorkflowStub.fromTyped(workflow).getResult(10, TimeUnit.SECONDS, SyncOutcome.class))
        .isEqualTo(outcome);
    verify(activities, times(3)).runSync(any());
  }
}
