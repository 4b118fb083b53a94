package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RpcBudgetTest {

  @Test
  void permitsComeAtTheBudgetsRate() {
    RpcBudget budget = RpcBudget.perProcess(100);
    long start = System.nanoTime();
    for (int i = 0; i < 21; i++) {
      budget.acquire(1);
    }
    // The first permit is free, the other 20 come 10 ms apart.
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(199);
  }

  @Test
  void anIdleSpellSavesNothingUpForABurst() throws InterruptedException {
    RpcBudget budget = RpcBudget.perProcess(100);
    budget.acquire(1);
    Thread.sleep(300); // idle: a bursty limiter would now hold 30 (Guava: 100) permits
    long start = System.nanoTime();
    for (int i = 0; i < 11; i++) {
      budget.acquire(1);
    }
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(99);
  }

  @Test
  void aCallTakingSeveralPermitsHoldsBackTheNextCaller() {
    RpcBudget budget = RpcBudget.perProcess(100);
    long start = System.nanoTime();
    budget.acquire(5); // describe + update, say, times more
    budget.acquire(1);
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(49);
  }

  @Test
  void aNamespaceWideBudgetTakesAQuarterSecondOfSlotsPerStatement() {
    assertThat(RpcBudget.slotsPerRun(10)).isEqualTo(3);
    assertThat(RpcBudget.slotsPerRun(20)).isEqualTo(5);
    assertThat(RpcBudget.slotsPerRun(1)).isEqualTo(1);
    assertThat(RpcBudget.slotsPerRun(0.5)).isEqualTo(1);
    assertThat(RpcBudget.slotsPerRun(1000)).isEqualTo(250);
  }

  /** A single replica on the shared timeline keeps today's pace: runs of slots back to back, nothing faster. */
  @Test
  void aLoneReplicaOnTheSharedTimelineKeepsThePaceOfTheBudget() {
    AtomicInteger statements = new AtomicInteger();
    RpcBudget.Timeline shared = counting(new RpcBudget.InProcessTimeline(), statements);
    RpcBudget budget = new RpcBudget(100, RpcBudget.slotsPerRun(100), shared, Duration.ofSeconds(5));
    List<Long> times = hammer(List.of(budget), 4, Duration.ofMillis(1000));
    assertThat(times.size()).as("permits in 1 s at 100/s").isBetween(95, 102);
    assertThat(busiest(times, Duration.ofMillis(200))).as("busiest 200 ms").isLessThanOrEqualTo(21);
    assertThat(statements.get()).as("reservations: one per 25 slots").isBetween(3, 6);
  }

  /** Two replicas (two budgets) on one timeline share the budget: together they get what one would alone. */
  @Test
  void twoReplicasOnOneTimelineShareTheBudget() {
    AtomicInteger statements = new AtomicInteger();
    RpcBudget.Timeline shared = counting(new RpcBudget.InProcessTimeline(), statements);
    RpcBudget a = new RpcBudget(100, RpcBudget.slotsPerRun(100), shared, Duration.ofSeconds(5));
    RpcBudget b = new RpcBudget(100, RpcBudget.slotsPerRun(100), shared, Duration.ofSeconds(5));
    List<Long> times = hammer(List.of(a, b), 4, Duration.ofMillis(1500));
    assertThat(times.size()).as("permits in 1.5 s at 100/s, two replicas together").isBetween(140, 153);
    assertThat(busiest(times, Duration.ofMillis(500))).as("busiest 500 ms").isLessThanOrEqualTo(52);
    assertThat(statements.get()).as("reservations: one per 25 slots, whoever asks").isBetween(5, 9);
  }

  /** Without the shared timeline (the state before ADR 0008), two replicas spend twice the budget. */
  @Test
  void twoReplicasEachWithATimelineOfItsOwnSpendTwiceTheBudget() {
    List<Long> times = hammer(List.of(RpcBudget.perProcess(100), RpcBudget.perProcess(100)), 4, Duration.ofMillis(1000));
    assertThat(times.size()).isGreaterThan(180);
  }

  /** Slots reserved in a run and not used in time are gone: an idle replica saves nothing up. */
  @Test
  void slotsOfARunThatPassUnusedAreDropped() throws InterruptedException {
    RpcBudget budget = new RpcBudget(100, 25, new RpcBudget.InProcessTimeline(), Duration.ofSeconds(5));
    budget.acquire(1); // reserves 25 slots, uses one
    Thread.sleep(300); // the other 24 pass unused
    long start = System.nanoTime();
    for (int i = 0; i < 11; i++) {
      budget.acquire(1);
    }
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(99);
  }

  /** PostgreSQL briefly down: the RPCs wait and the timeline is asked again; nothing fails. */
  @Test
  void aTimelineThatCannotBeReachedForAMomentIsAskedAgain() {
    AtomicInteger calls = new AtomicInteger();
    RpcBudget.InProcessTimeline timeline = new RpcBudget.InProcessTimeline();
    RpcBudget budget = new RpcBudget(100, 5, (slots, nanos) -> {
      if (calls.incrementAndGet() <= 3) {
        throw new IllegalStateException("connection refused");
      }
      return timeline.reserve(slots, nanos);
    }, Duration.ofSeconds(5));
    long start = System.nanoTime();
    budget.acquire(1);
    assertThat(calls.get()).isEqualTo(4);
    assertThat((System.nanoTime() - start) / 1e6).as("waited 100 + 200 + 400 ms").isGreaterThanOrEqualTo(690);
  }

  /** PostgreSQL down for longer than the patience: the call fails with the database's failure, which callers retry. */
  @Test
  void aTimelineThatStaysUnreachableFailsTheCallAfterThePatience() {
    IllegalStateException down = new IllegalStateException("connection refused");
    RpcBudget budget = new RpcBudget(100, 5, (slots, nanos) -> {
      throw down;
    }, Duration.ofMillis(500));
    long start = System.nanoTime();
    assertThatThrownBy(() -> budget.acquire(1)).isSameAs(down);
    assertThat((System.nanoTime() - start) / 1e6).isBetween(250.0, 1500.0);
  }

  @Test
  void anInterruptedWaitThrows() {
    RpcBudget budget = RpcBudget.perProcess(1);
    budget.acquire(1);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> budget.acquire(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
    } finally {
      Thread.interrupted();
    }
  }

  private static RpcBudget.Timeline counting(RpcBudget.Timeline timeline, AtomicInteger statements) {
    return (slots, nanos) -> {
      statements.incrementAndGet();
      return timeline.reserve(slots, nanos);
    };
  }

  /** {@code threads} callers per budget acquire for {@code duration}; returns when each permit was handed out. */
  private static List<Long> hammer(List<RpcBudget> budgets, int threads, Duration duration) {
    ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Thread> running = new ArrayList<>();
    for (RpcBudget budget : budgets) {
      for (int i = 0; i < threads; i++) {
        Thread t = new Thread(() -> {
          while (true) {
            budget.acquire(1);
            long now = System.nanoTime();
            if (now >= end) {
              return;
            }
            times.add(now - start);
          }
        });
        t.start();
        running.add(t);
      }
    }
    for (Thread t : running) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    return sorted;
  }

  /** The most permits handed out within any {@code window}. */
  private static int busiest(List<Long> times, Duration window) {
    int most = 0;
    for (int i = 0, j = 0; i < times.size(); i++) {
      while (times.get(i) - times.get(j) >= window.toNanos()) {
        j++;
      }
      most = Math.max(most, i - j + 1);
    }
    return most;
  }
}
