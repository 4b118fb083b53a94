package dev.syncplane.temporal.update;

/** What a delete did: Schedules deleted (with their connection rows), in how many batches, for which update run. */
public record DeleteResult(String updateId, int schedulesDeleted, int batches) {

  DeleteResult add(BatchResult batch) {
    return new DeleteResult(updateId, schedulesDeleted + batch.processed(), batches + 1);
  }
}
