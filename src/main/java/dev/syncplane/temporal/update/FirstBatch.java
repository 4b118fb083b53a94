package dev.syncplane.temporal.update;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What {@link ScheduleActivities#beginPass} did: the pass it began ({@code pass.exists()} is false once the
 * integration is gone, and there is no batch then) and that pass's first batch. A pass whose first batch is
 * {@code done} has been finished too.
 */
public record FirstBatch(FanOutStart pass, BatchResult batch) {

  /**
   * Begins a pass at the newest committed version, writes its first page and, if that page was the last,
   * finishes the pass: the three steps a one-page pass used to take as three activities.
   */
  static FirstBatch of(
      String integrationId,
      Function<String, FanOutStart> begin,
      Function<BatchRequest, BatchResult> write,
      BiConsumer<String, Long> finish) {
    FanOutStart pass = begin.apply(integrationId);
    if (!pass.exists()) {
      return new FirstBatch(pass, null);
    }
    return new FirstBatch(pass, BatchResult.continuePass(new BatchRequest(integrationId, null, 0), pass.version(), write, finish));
  }
}
