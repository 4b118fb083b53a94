package dev.syncplane.temporal.update;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What one batch did, per Schedule outcome, so that the Temporal UI shows it in the activity result.
 * {@code created} lists (capped) the Schedules that were missing and were created. {@code newerKept}: not
 * written because a newer version committed meanwhile (the next pass writes it). {@code unchanged} is
 * always 0 since writes stopped reading the Schedule first (bin/bench); it stays for older histories.
 */
public record BatchResult(
    String lastConnectionId,
    boolean done,
    long version,
    int processed,
    int updated,
    int unchanged,
    int newerKept,
    List<String> created) {

  /** Writes the page {@code request} asks for and, if it was the last, finishes the pass at {@code passVersion}. */
  static BatchResult continuePass(
      BatchRequest request,
      long passVersion,
      Function<BatchRequest, BatchResult> write,
      BiConsumer<String, Long> finish) {
    BatchResult batch = write.apply(request);
    if (batch.done()) {
      finish.accept(request.integrationId(), passVersion);
    }
    return batch;
  }
}
