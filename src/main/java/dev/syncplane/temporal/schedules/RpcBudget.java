package dev.syncplane.temporal.schedules;

/**
 * {@code fanOut.scheduleRpcPerSecond}: hands out permits at a fixed rate, one caller after the other, and
 * saves nothing up while idle, so no window of time ever sees more than the budget (plus the one call
 * that opens it). Guava's RateLimiter stores a second of unused permits and lets them out in a burst,
 * which shows as 20% over the budget in a 5-second window after an idle spell: over a namespace's limit.
 */
final class RpcBudget {
  private final long nanosPerPermit;
  private long nextFree = System.nanoTime();

  RpcBudget(double perSecond) {
    this.nanosPerPermit = (long) (1_000_000_000L / perSecond);
  }

  /** Waits for {@code permits} consecutive slots; an interrupted wait (a cancelled activity) throws. */
  void acquire(int permits) {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long start = Math.max(nextFree, now);
      nextFree = start + permits * nanosPerPermit;
      wait = start - now;
    }
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the Schedule RPC budget", e);
      }
    }
  }
}
