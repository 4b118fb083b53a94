package dev.syncplane.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Polls until a condition holds or a deadline passes; then fails with the last observation. */
public final class Eventually {
  private Eventually() {}

  /** Re-runs {@code assertion} until it stops throwing; rethrows its last failure at the deadline. */
  public static void within(Duration timeout, Runnable assertion) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
      }
      pause();
    }
  }

  public static <T> T value(Duration timeout, Supplier<T> supplier, java.util.function.Predicate<T> done) {
    Instant deadline = Instant.now().plus(timeout);
    T last = supplier.get();
    while (!done.test(last)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met within " + timeout + "; last value: " + last);
      }
      pause();
      last = supplier.get();
    }
    return last;
  }

  private static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
