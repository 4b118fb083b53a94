package dev.syncplane.temporal.update;

/**
 * A write of a pass that failed: which batch and attempt, which Schedule ({@code null}: the whole attempt, e.g. the
 * database could not be read or the worker stopped), and why. The pass retries the batch until it succeeds.
 */
public record FailedWrite(int batch, int attempt, String scheduleId, String cause) {

  FailedWrite at(int batch, int attempt) {
    return new FailedWrite(batch, attempt, scheduleId, cause);
  }

  @Override
  public String toString() {
    return (scheduleId == null ? "" : scheduleId + ": ") + cause;
  }
}
