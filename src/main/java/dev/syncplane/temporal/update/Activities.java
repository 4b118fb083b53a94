package dev.syncplane.temporal.update;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
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

  /** Schedule writes with one attempt each: a pass retries them itself, to list each failure in its result. */
  static final ActivityOptions SCHEDULES_ONCE =
      ActivityOptions.newBuilder(SCHEDULES).setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();

  /** A ScheduleActivities stub with {@code options}, whose activity the Temporal UI shows as {@code summary}. */
  static ScheduleActivities schedules(ActivityOptions options, String summary) {
    return Workflow.newActivityStub(
        ScheduleActivities.class, ActivityOptions.newBuilder(options).setSummary(summary).build());
  }

  static RetryOptions retryForever(Duration maxInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofMillis(500))
        .setBackoffCoefficient(2)
        .setMaximumInterval(maxInterval)
        .build();
  }
}
