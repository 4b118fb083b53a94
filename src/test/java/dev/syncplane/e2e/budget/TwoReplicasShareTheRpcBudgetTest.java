package dev.syncplane.e2e.budget;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.ServiceProcess;
import dev.syncplane.support.TestPostgres;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fanOut.scheduleRpcPerSecond} is the namespace's total, however many replicas: two service processes (separate
 * JVMs) on one Temporal and one PostgreSQL fan out, repair drift and answer status reads at once, each with work enough
 * to spend the whole budget alone, and the Schedule RPCs both send, counted on the wire by each ({@code syncplane.temporal.schedule-rpcs}
 * on its admin port), summed per second, stay within the budget: mean at most the budget, the busiest 5 s at most 10%
 * over it. Without the shared budget (each replica pacing itself, as before ADR 0008) the same workload runs at about
 * twice the budget.
 */
class TwoReplicasShareTheRpcBudgetTest {
  private static final double BUDGET = 20;
  private static final int WINDOW = 5;
  /** Integrations changed during the measurement, and their connections: an UpdateSchedule per connection. */
  private static final int FANNED = 6;
  private static final int FANNED_CONNECTIONS = 50;
  /** Connections of the integration whose Schedules drift repair finds missing (a describe and a create each). */
  private static final int REPAIRED_CONNECTIONS = 40;
  /** Status reads on each replica, of an integration of 50 Schedules listed 20 a page: 3 list RPCs each. */
  private static final int STATUS_READS = 30;
  private static final Duration CONVERGE = Duration.ofSeconds(180);

  /**
   * Batches of 25, so that each integration's pass is a few activities, handed to whichever replica polls; drift
   * repair's answer waited for to the end.
   */
  private static final Map<String, String> SETTINGS = Map.of(
      "fanOut.scheduleRpcPerSecond", Double.toString(BUDGET),
      "fanOut.batchSize", "25",
      "driftRepair.pageSize", "20",
      "driftRepair.apiWaitMs", "180000");
  private static final ServiceProcess A = new ServiceProcess("budget-replica-a", SETTINGS);
  private static final ServiceProcess B = new ServiceProcess("budget-replica-b", SETTINGS);

  @BeforeAll
  static void start() {
    CompletableFuture.allOf(CompletableFuture.runAsync(A::start), CompletableFuture.runAsync(B::start)).join();
  }

  @AfterAll
  static void stop() {
    CompletableFuture.allOf(CompletableFuture.runAsync(A::close), CompletableFuture.runAsync(B::close)).join();
  }

  @Test
  void twoReplicasFanningOutAndRepairingAtOnceStayWithinOneBudget() {
    Api a = A.api().withTimeout(Duration.ofMinutes(4));
    Api b = B.api().withTimeout(Duration.ofMinutes(4));
    List<String> fanned = new ArrayList<>();
    for (int i = 0; i < FANNED; i++) {
      fanned.add(createWithConnections(a, newId("budget-fan"), FANNED_CONNECTIONS));
    }
    String repaired = createWithConnections(a, newId("budget-drift"), REPAIRED_CONNECTIONS);
    try {
      createSchedules(fanned); // by the test itself, outside the budget: the replicas' work is the change to them

      Sampler sampler = new Sampler(List.of(A.admin(), B.admin()));
      // the work: a PUT to each integration on either replica (its pass creates every Schedule), and a drift repair
      // that finds the other integration's Schedules missing, all at once
      List<CompletableFuture<String>> puts = new ArrayList<>();
      for (int i = 0; i < fanned.size(); i++) {
        String id = fanned.get(i);
        Api api = i % 2 == 0 ? a : b;
        puts.add(CompletableFuture.supplyAsync(() -> put(api, id)));
      }
      CompletableFuture<Response> repair = CompletableFuture.supplyAsync(() -> b.post("/api/v1/drift-repair?scan=list", null));
      // and an operator reading an integration's status on each replica (list pages: RPCs the replica itself sends,
      // wherever Temporal hands the fan-out and repair activities, which tend to stay on the replica that ran the
      // integration's workflow first)
      List<CompletableFuture<Void>> readers = Stream.of(a, b)
          .map(api -> CompletableFuture.runAsync(() -> readStatus(api, fanned.get(0), STATUS_READS)))
          .toList();
      for (int i = 0; i < fanned.size(); i++) {
        String id = fanned.get(i);
        String run = path(id) + "/updates/" + puts.get(i).join();
        Eventually.within(CONVERGE, () -> {
          JsonNode r = a.get(run).json();
          assertThat(r.get("state").asText()).as(id).isEqualTo("APPLIED");
          assertThat(r.get("schedulesApplied").asInt()).as(id).isEqualTo(FANNED_CONNECTIONS);
        });
      }
      readers.forEach(CompletableFuture::join);
      Response report = repair.join();
      assertThat(report.status()).as(report.toString()).isEqualTo(200);
      Eventually.within(CONVERGE, () -> assertThat(listed(repaired)).as("Schedules of " + repaired).isEqualTo(REPAIRED_CONNECTIONS));
      Figures f = sampler.finish();
      System.out.println(f); // target/surefire-reports/…-output.txt
      assertThat(f.seconds()).as("busy seconds (work enough to spend the budget for a while) " + f).isGreaterThanOrEqualTo(12);
      assertThat(f.mean()).as("mean Schedule RPC/s of both replicas " + f).isLessThanOrEqualTo(BUDGET);
      assertThat(f.busiest()).as("busiest " + WINDOW + " s, Schedule RPC/s of both replicas " + f).isLessThanOrEqualTo(1.1 * BUDGET);
      // the budget binds: the two together reach it (their mean depends on how fast a loaded machine hands out work)
      assertThat(f.busiest()).as("busiest " + WINDOW + " s reaches the budget " + f).isGreaterThanOrEqualTo(0.8 * BUDGET);
      assertThat(f.secondsBothSent()).as("seconds in which both replicas sent Schedule RPCs " + f)
          .isGreaterThanOrEqualTo(f.seconds() / 2);
      assertThat(f.reservationsPerSecond()).as("statements reserving budget per second, both replicas " + f).isLessThanOrEqualTo(8);
    } finally {
      Stream.concat(fanned.stream(), Stream.of(repaired))
          .map(id -> CompletableFuture.runAsync(() -> new Integrations(a, ServiceHarness.schedules()).deleteAndWait(id, CONVERGE)))
          .toList()
          .forEach(CompletableFuture::join);
    }
  }

  /** An integration with paused, hourly syncs and {@code n} connections written straight to the DB: no Schedules yet. */
  private static String createWithConnections(Api api, String id, int n) {
    Response created = api.post("/api/v1/integrations",
        Map.of("id", id, "provider", "stripe", "name", "budget " + id, "periodMs", 3_600_000, "syncEnabled", false));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    TestPostgres.jdbi().useHandle(h -> h.createUpdate(
            "INSERT INTO connections (id, integration_id, customer_id)"
                + " SELECT :id || '.c' || lpad(g::text, 4, '0'), :id, 'cust' || lpad(g::text, 4, '0')"
                + " FROM generate_series(1, :n) g")
        .bind("id", id).bind("n", n).execute());
    return id;
  }

  /** Creates the Schedules of {@code ids} as the service would (version 1), and waits until Temporal's list shows them. */
  private static void createSchedules(List<String> ids) {
    Jdbi jdbi = TestPostgres.jdbi();
    IntegrationDao integrations = jdbi.onDemand(IntegrationDao.class);
    ConnectionDao connections = jdbi.onDemand(ConnectionDao.class);
    ScheduleGateway gateway = ServiceHarness.gateway();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (String id : ids) {
        ScheduleConfig config = integrations.find(id).orElseThrow().scheduleConfig();
        for (Connection c : connections.page(id, null, 1000)) {
          writes.add(pool.submit(() -> gateway.apply(DesiredSchedule.of(c, config), () -> 0L, live -> true)));
        }
      }
      for (Future<?> w : writes) {
        w.get();
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
    for (String id : ids) {
      Eventually.within(CONVERGE, () -> assertThat(listed(id)).as("Schedules of " + id).isEqualTo(FANNED_CONNECTIONS));
    }
  }

  private static void readStatus(Api api, String id, int times) {
    for (int i = 0; i < times; i++) {
      Response r = api.get(path(id) + "/status");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
  }

  /** A PUT that gives every Schedule of {@code id} a new version; the update's id. */
  private static String put(Api api, String id) {
    Response r = api.put(path(id), Map.of("name", "budget " + id, "periodMs", 7_200_000, "syncEnabled", false), Map.of());
    assertThat(r.status()).as(r.toString()).isIn(200, 202); // 202: committed later (a loaded machine); it fans out then
    return r.json().at("/update/id").asText();
  }

  private static long listed(String id) {
    try (var listed = ServiceHarness.gateway().list(Names.schedulesWithIntegrationPrefixQuery(id), 100)) {
      return listed.count();
    }
  }

  /** What the two replicas sent, per second, summed. */
  record Figures(double mean, double busiest, int seconds, int secondsBothSent, long rpcsA, long rpcsB,
      double reservationsPerSecond, List<Long> perSecond) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "budget %.0f/s: mean %.2f/s over %d busy s, busiest %d s %.2f/s; RPCs A %d, B %d, both sending in %d s;"
              + " reservations %.2f/s; per second %s", BUDGET, mean, seconds, WINDOW, busiest, rpcsA, rpcsB,
          secondsBothSent, reservationsPerSecond, perSecond);
    }
  }

  /** Reads both replicas' Schedule-RPC meters every second, at the same moments. */
  static final class Sampler {
    private final List<Api> admins;
    private final List<long[]> samples = new ArrayList<>(); // {nanos, rpcs A, rpcs B, reservations A + B}
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();

    Sampler(List<Api> admins) {
      this.admins = admins;
      sample();
      ticks.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private void sample() {
      long at = System.nanoTime();
      List<CompletableFuture<JsonNode>> reads = admins.stream()
          .map(admin -> CompletableFuture.supplyAsync(() -> admin.get("/metrics").json().get("meters")))
          .toList();
      JsonNode ma = reads.get(0).join();
      JsonNode mb = reads.get(1).join();
      synchronized (samples) {
        samples.add(new long[] {at, count(ma, SyncplaneMetrics.SCHEDULE_RPCS), count(mb, SyncplaneMetrics.SCHEDULE_RPCS),
            count(ma, SyncplaneMetrics.SCHEDULE_RPC_RESERVATIONS) + count(mb, SyncplaneMetrics.SCHEDULE_RPC_RESERVATIONS)});
      }
    }

    private static long count(JsonNode meters, String name) {
      return meters.path(name).path("count").asLong(0);
    }

    /** Waits until neither replica sends a Schedule RPC for 3 s, then sums them per second over the busy seconds. */
    Figures finish() {
      Eventually.within(Duration.ofSeconds(60), () -> {
        synchronized (samples) {
          int n = samples.size();
          assertThat(n).isGreaterThan(4);
          long[] last = samples.get(n - 1);
          long[] before = samples.get(n - 4);
          assertThat(last[1] + last[2]).as("Schedule RPCs still being sent").isEqualTo(before[1] + before[2]);
        }
      });
      ticks.shutdownNow();
      List<long[]> s;
      synchronized (samples) {
        s = new ArrayList<>(samples);
      }
      List<Long> perSecond = new ArrayList<>();
      for (int i = 1; i < s.size(); i++) {
        perSecond.add(s.get(i)[1] + s.get(i)[2] - s.get(i - 1)[1] - s.get(i - 1)[2]);
      }
      int first = 0;
      while (first < perSecond.size() && perSecond.get(first) == 0) {
        first++;
      }
      int last = perSecond.size() - 1;
      while (last > first && perSecond.get(last) == 0) {
        last--;
      }
      // seconds first..last are intervals s[first]..s[last + 1]
      long[] from = s.get(first), to = s.get(last + 1);
      double span = (to[0] - from[0]) / 1e9;
      long rpcs = to[1] + to[2] - from[1] - from[2];
      double busiest = 0;
      for (int i = first; i + WINDOW <= last + 1; i++) {
        long[] x = s.get(i), y = s.get(i + WINDOW);
        busiest = Math.max(busiest, (y[1] + y[2] - x[1] - x[2]) / ((y[0] - x[0]) / 1e9));
      }
      int both = 0;
      for (int i = first; i <= last; i++) {
        if (s.get(i + 1)[1] > s.get(i)[1] && s.get(i + 1)[2] > s.get(i)[2]) {
          both++;
        }
      }
      return new Figures(rpcs / span, busiest, last - first + 1, both, to[1] - from[1], to[2] - from[2],
          (to[3] - from[3]) / span, perSecond.subList(first, last + 1));
    }
  }
}
