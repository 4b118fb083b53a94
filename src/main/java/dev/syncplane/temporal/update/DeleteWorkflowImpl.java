package dev.syncplane.temporal.update;

import io.temporal.workflow.Workflow;

/** Deletes page by page until none is left, then removes the integration's row and marks its delete run DELETED. */
public class DeleteWorkflowImpl implements DeleteWorkflow {

  private final StoreActivities store = Workflow.newActivityStub(StoreActivities.class, Activities.STORE);

  @Override
  public DeleteResult run(DeleteCommand command) {
    DeleteResult result = new DeleteResult(command.updateId(), 0, 0); // counts this run's batches
    BatchResult batch;
    do {
      Workflow.setCurrentDetails(result.schedulesDeleted() + " Schedules deleted in " + result.batches() + " batches");
      batch = Activities.schedules(Activities.SCHEDULES, "delete batch " + (result.batches() + 1))
          .deleteBatch(command.integrationId());
      result = result.add(batch);
      if (!batch.done() && UpdateWorkflows.historyFull()) {
        Workflow.continueAsNew(command); // what is deleted stays deleted: the next run goes on from what is left
      }
    } while (!batch.done());
    store.finishDelete(command);
    Workflow.setCurrentDetails("done: " + result.schedulesDeleted() + " Schedules deleted, the integration is gone");
    return result;
  }
}
