package dev.syncplane.bench;

import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.temporal.serviceclient.WorkflowServiceStubs;
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
 * The baselines without syncplane: bare SDK loops over Schedules, {@code concurrency} calls in flight, no
 * workflow, no DB, no version check.
 * <ul>
 *   <li>{@link #updateRaw}: the raw floor. One UpdateSchedule call per Schedule through the SDK's service
 *       stubs: the least any system can send to change N Schedules (the request is built the way
 *       syncplane's gateway and the SDK build it).
 *   <li>{@link #updateWithSdk}: the SDK's {@code ScheduleHandle.update}, which describes the Schedule and
 *       then updates it: what a naive loop calls; with one thread, the naive sequential loop.
 * </ul>
 */
final class ScheduleLoop {
  private final ScheduleClient schedules;
  private final WorkflowServiceStubs stubs;
  private final ScheduleGateway requests;

  ScheduleLoop(ScheduleClient schedules, WorkflowServiceStubs stubs, ScheduleGateway requests) {
    this.schedules = schedules;
    this.stubs = stubs;
    this.requests = requests;
  }

  /** One UpdateSchedule call per Schedule; returns the elapsed nanoseconds. */
  long updateRaw(List<DesiredSchedule> all, int concurrency) {
    return run(all, concurrency, d -> retried(() -> stubs.blockingStub().updateSchedule(requests.updateRequest(d))));
  }

  /** The SDK's describe-then-update per Schedule; returns the elapsed nanoseconds. */
  long updateWithSdk(List<DesiredSchedule> all, int concurrency) {
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
    return dev.syncplane.temporal.TemporalFailures.status(e)
        .map(s -> s.getCode() == io.grpc.Status.Code.NOT_FOUND || s.getCode() == io.grpc.Status.Code.INVALID_ARGUMENT)
        .orElse(false);
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
