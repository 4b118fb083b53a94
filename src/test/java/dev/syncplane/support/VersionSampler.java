package dev.syncplane.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads every Schedule's version (what the gateway's check reads: the larger of the Schedule's and
 * its action's {@code ConfigVersion}) in rounds, and records every reading lower than an earlier one.
 */
public final class VersionSampler {
  private final Integrations integrations;
  private final List<String> scheduleIds;
  public final Map<String, Long> last = new ConcurrentHashMap<>();
  public final java.util.Set<Long> seen = ConcurrentHashMap.newKeySet();
  public final List<String> decreases = new CopyOnWriteArrayList<>();
  public final List<String> errors = new CopyOnWriteArrayList<>();
  public final AtomicInteger rounds = new AtomicInteger();
  public final AtomicInteger readings = new AtomicInteger();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Thread thread = new Thread(this::run, "schedule-version-sampler");

  public VersionSampler(Integrations integrations, List<String> scheduleIds) {
    this.integrations = integrations;
    this.scheduleIds = scheduleIds;
  }

  public void start() {
    thread.setDaemon(true);
    thread.start();
  }

  public void stopAfterOneMoreRound() throws InterruptedException {
    int target = rounds.get() + 2; // the round in progress may have begun before convergence
    Eventually.value(Duration.ofSeconds(60), rounds::get, r -> r >= target);
    stopping.set(true);
    thread.join(60_000);
  }

  /** Ten describes at a time: a round must be short enough to fall inside the run, which is fast. */
  private final java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(10);

  private void run() {
    while (!stopping.get()) {
      List<java.util.concurrent.Future<?>> round = new ArrayList<>();
      for (String scheduleId : scheduleIds) {
        round.add(readers.submit(() -> read(scheduleId)));
      }
      for (java.util.concurrent.Future<?> f : round) {
        try {
          f.get();
        } catch (Exception e) {
          errors.add(e.toString());
        }
      }
      rounds.incrementAndGet();
    }
    readers.shutdown();
  }

  /** One Schedule's reading; a Schedule is read by one task per round, and rounds never overlap. */
  private void read(String scheduleId) {
    try {
      long now = integrations.scheduleVersion(scheduleId).orElseThrow();
      readings.incrementAndGet();
      seen.add(now);
      Long before = last.put(scheduleId, now);
      if (before != null && now < before) {
        decreases.add(scheduleId + ": " + before + " -> " + now);
      }
    } catch (RuntimeException e) {
      errors.add(scheduleId + ": " + e);
    }
  }
}
