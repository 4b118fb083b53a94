package dev.syncplane.temporal.update;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** The activity options the update workflows share. */
final class Activities {
  private Activities() {}

  /** Database writes: retried until they succeed (a refusal is non-retryable). */
  static final ActivityOptions STORE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(retryForever(Duration.ofSeconds(10)))
          .build();

  /** Schedule writes: long, heartbeating (every second), retried until they succeed. */
  static final ActivityOptions SCHEDULES =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .setRetryOptions(retryForever(Duration.ofSeconds(30)))
          .build();

  static RetryOptions retryForever(Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofMillis(500))
        .setBackoffCoefficient(2)
        .setMaximumInterval(maxInterval)
        .build();
  }
}
