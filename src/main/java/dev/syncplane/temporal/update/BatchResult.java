package dev.syncplane.temporal.update;

import java.util.List;

/**
 * What one batch did, per Schedule outcome. {@code created} lists (capped) the Schedules that were missing and were
 * created, {@code createdCount} counts them. {@code newerKept}: not written because a newer version committed
 * meanwhile (the next pass writes it). {@code updateIds}: the update runs the pass marked applied, if this batch
 * finished it.
 */
public record BatchResult(
    String lastConnectionId,
    boolean done,
    long version,
    int processed,
    int updated,
    int newerKept,
    int createdCount,
    List<String> created,
    List<String> updateIds) {

  public BatchResult {
    created = created == null ? List.of() : created;
    updateIds = updateIds == null ? List.of() : updateIds;
  }

  BatchResult finishing(List<String> finished) {
    return new BatchResult(lastConnectionId, done, version, processed, updated, newerKept, createdCount, created, finished);
  }
}
