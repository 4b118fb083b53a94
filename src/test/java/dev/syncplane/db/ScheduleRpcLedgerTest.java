package dev.syncplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.support.TestPostgres;
import dev.syncplane.temporal.schedules.RpcBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The namespace's Schedule RPC timeline in a real PostgreSQL, as two replicas share it. */
class ScheduleRpcLedgerTest {
  private final Jdbi jdbi = TestPostgres.jdbi();
  private final String namespace = "ns-" + UUID.randomUUID();

  @Test
  void anIdleTimelineStartsARunNow() {
    ScheduleRpcLedger ledger = new ScheduleRpcLedger(jdbi, () -> {});
    assertThat(ledger.reserve(namespace, 1_000)).as("the first reservation ever").isBetween(-1_000L, 0L);
    sleep(20); // the 1 ms run has passed: nothing saved up, the next run starts now again
    assertThat(ledger.reserve(namespace, 1_000)).isBetween(-1_000L, 0L);
  }

  /** Two replicas reserving at once queue one after the other on the one timeline: no span is handed out twice. */
  @Test
  void twoReplicasReservingAtOnceGetRunsOneAfterTheOther() {
    AtomicInteger statements = new AtomicInteger();
    ScheduleRpcLedger a = new ScheduleRpcLedger(jdbi, statements::incrementAndGet);
    ScheduleRpcLedger b = new ScheduleRpcLedger(TestPostgres.jdbi(), statements::incrementAndGet);
    long span = 200_000; // 200 ms each: far longer than the 40 reservations take
    long start = System.nanoTime();
    CompletableFuture<List<Long>> fromA = CompletableFuture.supplyAsync(() -> reserveMany(a, 20, span));
    CompletableFuture<List<Long>> fromB = CompletableFuture.supplyAsync(() -> reserveMany(b, 20, span));
    List<Long> all = new ArrayList<>(fromA.join());
    all.addAll(fromB.join());
    // each reservation begins where the previous one ended, whichever replica made it
    long next = new ScheduleRpcLedger(jdbi, () -> {}).reserve(namespace, span);
    long elapsedUs = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start); // up to the 41st's answer
    assertThat(next).as("where the 41st run begins").isBetween(40 * span - elapsedUs, 40 * span);
    assertThat(statements.get()).isEqualTo(40);
  }

  @Test
  void namespacesHaveTimelinesOfTheirOwn() {
    ScheduleRpcLedger ledger = new ScheduleRpcLedger(jdbi, () -> {});
    ledger.reserve(namespace, 10_000_000);
    assertThat(ledger.reserve(namespace + "-other", 1_000)).isBetween(-1_000L, 0L);
    assertThat(ledger.reserve(namespace, 1_000)).isGreaterThan(9_000_000L);
  }

  /** PostgreSQL down for a few seconds: a Schedule RPC waits for its permit, and gets it once PostgreSQL is back. */
  @Test
  void aPermitWaitsForPostgresToComeBack() throws Exception {
    RpcBudget budget = RpcBudget.namespaceWide(20, new ScheduleRpcLedger(jdbi, () -> {}), namespace);
    budget.acquire(1);
    sleep(300); // the run's other slots pass unused: the next permit needs the database
    TestPostgres.stop();
    CompletableFuture<Long> permit;
    try {
      permit = CompletableFuture.supplyAsync(() -> {
        budget.acquire(1);
        return System.nanoTime();
      });
      sleep(3_000);
      assertThat(permit).as("no permit while PostgreSQL is down").isNotDone();
    } finally {
      TestPostgres.start();
    }
    long back = System.nanoTime();
    long granted = permit.get(20, TimeUnit.SECONDS);
    assertThat(granted).as("granted after PostgreSQL came back").isGreaterThan(back);
  }

  private List<Long> reserveMany(ScheduleRpcLedger ledger, int times, long span) {
    List<Long> firstIn = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      firstIn.add(ledger.reserve(namespace, span));
    }
    return firstIn;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
