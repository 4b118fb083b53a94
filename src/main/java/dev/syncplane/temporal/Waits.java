package dev.syncplane.temporal;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Functions;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Workflow-side waiting, shared by the workflows. Deterministic: only Temporal's timers and conditions. */
public final class Waits {
  private Waits() {}

  /**
   * {@code Workflow.await(timeout, condition)} without the timer it leaves behind (SDK 1.38 starts that timer even
   * when the condition already holds, and never cancels it, so each wait would end in a timer firing into a
   * workflow task of its own later). Here the timer starts only if the condition does not hold yet, and is
   * cancelled when it comes to hold. Its cancellation is handled, or the SDK would log "Promise completed with
   * exception and was never accessed" when it evicts the run from the worker's cache.
   *
   * @return true if the condition holds, false on the timeout
   */
  public static boolean until(Duration timeout, Functions.Func<Boolean> condition) {
    return until(timeout, null, condition);
  }

  /** {@link #until(Duration, Functions.Func)} with a timer the Temporal UI shows as {@code summary}. */
  public static boolean until(Duration timeout, String summary, Functions.Func<Boolean> condition) {
    if (condition.apply()) {
      return true;
    }
    if (timeout.isZero() || timeout.isNegative()) {
      return false;
    }
    CompletablePromise<Void> timer = Workflow.newPromise();
    CancellationScope scope = Workflow.newCancellationScope(
        () -> timer.completeFrom(Workflow.newTimer(timeout, TimerOptions.newBuilder().setSummary(summary).build()).handle((fired, cancelled) -> null)));
    scope.run();
    Workflow.await(() -> timer.isCompleted() || condition.apply());
    if (timer.isCompleted()) { // only the timer firing completes it before the cancel below
      return condition.apply();
    }
    scope.cancel("condition met");
    return true;
  }
}
