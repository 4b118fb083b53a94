package dev.syncplane.temporal;

import com.codahale.metrics.health.HealthCheck;
import dev.syncplane.temporal.drift.DriftActivities;
import dev.syncplane.temporal.drift.DriftRepairWorkflowImpl;
import dev.syncplane.temporal.sync.SyncActivities;
import dev.syncplane.temporal.sync.SyncConnectionWorkflowImpl;
import dev.syncplane.temporal.update.ScheduleActivities;
import dev.syncplane.temporal.update.StoreActivities;
import dev.syncplane.temporal.update.UpdateWorkflows;
import io.dropwizard.lifecycle.Managed;
import io.grpc.Status;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control and sync workers of this process, started and stopped with it. The SDK refuses to start
 * workers while Temporal is unreachable; the service still comes up (and says so in its health check),
 * and the workers start as soon as Temporal answers.
 */
public class TemporalWorkers implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalWorkers.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private final WorkflowClient client;
  private final WorkerFactory factory;
  private volatile boolean started;
  private volatile boolean stopping;
  private Thread starter;

  private final Runnable keepRunning;
  private final Duration keepRunningEvery;

  /**
   * @param keepRunning run once the workers poll, retried until it succeeds, then again every
   *     {@code keepRunningEvery} (starts drift repair if it is not running)
   */
  public TemporalWorkers(
      WorkflowClient client,
      StoreActivities store,
      ScheduleActivities schedules,
      SyncActivities syncs,
      DriftActivities drift,
      Runnable keepRunning,
      Duration keepRunningEvery) {
    this.client = client;
    this.factory = WorkerFactory.newInstance(client);
    this.keepRunning = keepRunning;
    this.keepRunningEvery = keepRunningEvery;
    Worker control = factory.newWorker(Names.CONTROL_TASK_QUEUE);
    control.registerWorkflowImplementationTypes(UpdateWorkflows.TYPES.toArray(Class<?>[]::new));
    control.registerWorkflowImplementationTypes(DriftRepairWorkflowImpl.class);
    // Registered activities also serve local activities: UpdateIntegrationWorkflow's handlers run StoreActivities locally.
    control.registerActivitiesImplementations(store, schedules, drift);
    Worker sync = factory.newWorker(Names.SYNC_TASK_QUEUE);
    sync.registerWorkflowImplementationTypes(SyncConnectionWorkflowImpl.class);
    sync.registerActivitiesImplementations(syncs);
  }

  @Override
  public void start() {
    starter = new Thread(this::startWhenReachable, "temporal-workers-keeper");
    starter.setDaemon(true);
    starter.start();
  }

  private void startWhenReachable() {
    long backoffMs = 500;
    while (!stopping) {
      long pauseMs;
      try {
        if (!started) {
          factory.start();
          started = true;
          LOG.info("Temporal workers started on {} and {}", Names.CONTROL_TASK_QUEUE, Names.SYNC_TASK_QUEUE);
        }
        keepRunning.run();
        backoffMs = 500;
        pauseMs = keepRunningEvery.toMillis();
      } catch (RuntimeException e) {
        LOG.warn("Temporal unreachable, workers or drift repair not started yet (retrying in {} ms): {}", backoffMs, e.toString());
        pauseMs = backoffMs;
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
      }
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException interrupted) {
        return;
      }
    }
  }

  @Override
  public void stop() throws InterruptedException {
    stopping = true;
    if (starter != null) {
      starter.interrupt();
      starter.join(TimeUnit.SECONDS.toMillis(5));
    }
    if (started) {
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Red until the workers run, and red while they cannot poll: updates are accepted only by a running worker that
   * reaches its server. Asks Temporal about the control task queue (DescribeTaskQueue, 2 s deadline), which also
   * tells whether it has seen this process's pollers.
   */
  public HealthCheck healthCheck() {
    return new HealthCheck() {
      @Override
      protected Result check() {
        if (!started) {
          return Result.unhealthy("workers not started: Temporal has not answered yet");
        }
        String identity = client.getOptions().getIdentity();
        try {
          DescribeTaskQueueResponse queue = client.getWorkflowServiceStubs().blockingStub()
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setTaskQueue(TaskQueue.newBuilder().setName(Names.CONTROL_TASK_QUEUE))
                  .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
                  .build());
          boolean seen = queue.getPollersList().stream().anyMatch(p -> identity.equals(p.getIdentity()));
          return Result.healthy("polling " + Names.CONTROL_TASK_QUEUE + " and " + Names.SYNC_TASK_QUEUE
              + (seen ? "" : " (Temporal has not seen this worker's first poll yet)"));
        } catch (RuntimeException e) {
          return Result.unhealthy("workers cannot poll: Temporal does not answer (" + Status.fromThrowable(e) + ")");
        }
      }
    };
  }
}
