package dev.syncplane.temporal.update;

import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.INTEGRATION;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.WAIT;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.change;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.everyCommitANewVersion;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.executor;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.freshInput;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.onePagePasses;
import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.schedulesMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * {@link UpdateIntegrationWorkflowImpl} evicted from the worker's cache, as a busy service's workers evict idle runs
 * (here a cache of one, and a second run to take the slot).
 */
@Timeout(30)
class UpdateIntegrationWorkflowEvictionTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      UpdateWorkflowFixtures.extension()
          .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(1).build())
          .build();

  private final StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
  private final PassSteps steps = mock(PassSteps.class);
  private final ScheduleActivities schedules = schedulesMock(steps);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void captureLogs() {
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void releaseLogs() {
    root.detachAppender(logged);
  }

  /**
   * Work that arrives during the idle wait cancels its timer. Before that cancellation was handled, the SDK logged
   * "Promise completed with exception and was never accessed" for each cancelled timer whenever the run was evicted
   * (this test saw 6 such warnings; a full bin/bench, 42).
   */
  @Test
  void anIdleRunEvictedAfterWorkCutItsIdleWaitsShortLogsNoWarning(
      TestWorkflowEnvironment env, WorkflowClient client, Worker worker) {
    onePagePasses(steps, everyCommitANewVersion(store), () -> {});
    worker.registerActivitiesImplementations(store, schedules);
    env.start();
    UpdateIntegrationWorkflow executor = executor(client, worker);
    WorkflowClient.start(executor::run, freshInput());
    for (int version = 1; version <= 3; version++) {
      executor.change(change("u-" + version, null)); // from the second on, during the idle wait
      verify(steps, timeout(WAIT.toMillis())).finish(INTEGRATION, version);
      env.sleep(Duration.ofSeconds(20)); // idle, well inside the 60 s idle timeout
    }

    UpdateIntegrationWorkflow other =
        client.newWorkflowStub(
            UpdateIntegrationWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("other").setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(other::run, freshInput()); // takes the one cache slot: the idle run is evicted
    assertThat(executor.progress().passVersion()).isEqualTo(3); // replayed from its history, and back in the slot
    other.progress(); // and out again

    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(message -> message.contains("never accessed"));
  }
}
