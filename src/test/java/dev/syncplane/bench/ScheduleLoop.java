package dev.syncplane.bench;

import dev.syncplane.temporal.schedules.DesiredSchedule;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The baselines without syncplane: a bare SDK loop over Schedules, {@code concurrency} calls in flight, no
 * workflow, no DB, no version check of ours. {@link #update} is the SDK's {@code ScheduleHandle.update}
 * (the SDK describes the Schedule, then sends UpdateSchedule): the raw floor, and, with one thread, the
 * naive sequential loop.
 */
final class ScheduleLoop {
  private final ScheduleClient schedules;

  ScheduleLoop(ScheduleClient schedules) {
    this.schedules = schedules;
  }

  /** Writes every Schedule its desired state; returns the elapsed nanoseconds. */
  long update(List<DesiredSchedule> all, int concurrency) {
    return run(all, concurrency, d -> retried(() -> schedules.getHandle(d.scheduleId())
        .update(input -> new ScheduleUpdate(d.toSchedule(), d.searchAttributes()))));
  }

  /**
   * A baseline call as a careful client makes it: a refusal of a busy dev server (such as "no poller seen
   * for task queue recently" while its internal scheduler worker is swamped) is tried again, as
   * syncplane's activities are.
   */
  static void retried(Runnable call) {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (RuntimeException e) {
        if (attempt == 10 || io.temporal.client.schedules.ScheduleException.class.isInstance(e) && isNotFoundOrInvalid(e)) {
          throw e;
        }
        Bench.pause(100L * attempt);
      }
    }
  }

  private static boolean isNotFoundOrInvalid(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException s) {
        return s.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND || s.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT;
      }
    }
    return false;
  }

  /** Runs {@code call} once per item with {@code concurrency} in flight; returns the elapsed nanoseconds. */
  static <T> long run(List<T> items, int concurrency, Consumer<T> call) {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>(items.size());
      for (T item : items) {
        done.add(pool.submit(() -> call.accept(item)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return System.nanoTime() - start;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a baseline call failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }
}
