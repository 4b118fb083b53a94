package dev.syncplane.temporal.update;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;

/** Deletes page by page until none is left, then removes the integration's row and marks its delete run DELETED. */
public class DeleteWorkflowImpl implements DeleteWorkflow {

  /** Continue as new far below Temporal's 10,000-event limit: a batch adds about 6 events. */
  static final int HISTORY_BUDGET = 2_000;

  private final StoreActivities store = Workflow.newActivityStub(StoreActivities.class, Activities.STORE);

  @Override
  public DeleteResult run(DeleteCommand command) {
    DeleteResult result = new DeleteResult(command.updateId(), 0, 0); // counts this run's batches
    BatchResult batch;
    do {
      Workflow.setCurrentDetails(result.schedulesDeleted() + " Schedules deleted in " + result.batches() + " batches");
      ScheduleActivities schedules = Workflow.newActivityStub(ScheduleActivities.class,
          ActivityOptions.newBuilder(Activities.SCHEDULES).setSummary("delete batch " + (result.batches() + 1)).build());
      batch = schedules.deleteBatch(command.integrationId());
      result = result.add(batch);
      WorkflowInfo info = Workflow.getInfo();
      if (!batch.done() && (info.getHistoryLength() > HISTORY_BUDGET || info.isContinueAsNewSuggested())) {
        Workflow.continueAsNew(command); // what is deleted stays deleted: the next run goes on from what is left
      }
    } while (!batch.done());
    store.finishDelete(command);
    Workflow.setCurrentDetails("done: " + result.schedulesDeleted() + " Schedules deleted, the integration is gone");
    return result;
  }
}
