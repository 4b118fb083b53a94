package dev.syncplane.temporal;

import dev.syncplane.temporal.sync.SyncActivities;
import dev.syncplane.temporal.sync.SyncConnectionWorkflowImpl;
import dev.syncplane.temporal.update.ScheduleActivities;
import dev.syncplane.temporal.update.StoreActivities;
import dev.syncplane.temporal.update.UpdateIntegrationWorkflowImpl;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.TimeUnit;

/** The control and sync workers of this process, started and stopped with it. */
public class TemporalWorkers implements Managed {
  private final WorkerFactory factory;

  public TemporalWorkers(
      WorkflowClient client,
      StoreActivities store,
      ScheduleActivities schedules,
      SyncActivities syncs) {
    this.factory = WorkerFactory.newInstance(client);
    Worker control = factory.newWorker(Names.CONTROL_TASK_QUEUE);
    control.registerWorkflowImplementationTypes(UpdateIntegrationWorkflowImpl.class);
    control.registerActivitiesImplementations(store, schedules);
    Worker sync = factory.newWorker(Names.SYNC_TASK_QUEUE);
    sync.registerWorkflowImplementationTypes(SyncConnectionWorkflowImpl.class);
    sync.registerActivitiesImplementations(syncs);
  }

  @Override
  public void start() {
    factory.start();
  }

  @Override
  public void stop() throws InterruptedException {
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
