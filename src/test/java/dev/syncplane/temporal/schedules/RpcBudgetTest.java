package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RpcBudgetTest {

  @Test
  void permitsComeAtTheBudgetsRate() {
    RpcBudget budget = new RpcBudget(100);
    long start = System.nanoTime();
    for (int i = 0; i < 21; i++) {
      budget.acquire(1);
    }
    // The first permit is free, the other 20 come 10 ms apart.
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(199);
  }

  @Test
  void anIdleSpellSavesNothingUpForABurst() throws InterruptedException {
    RpcBudget budget = new RpcBudget(100);
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
    RpcBudget budget = new RpcBudget(100);
    long start = System.nanoTime();
    budget.acquire(5); // describe + update, say, times more
    budget.acquire(1);
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(49);
  }
}
