package dev.syncplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.support.Api;
import dev.syncplane.support.ServiceProcess;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Target 5: one budget, {@code fanOut.scheduleRpcPerSecond}, for every Schedule RPC. The same workload (a
 * PUT fanning out to M Schedules while a list-based drift-repair run repairs 10% of another M) runs on a
 * service without a budget (the baseline: what it would send) and on one with a budget of
 * {@value #BUDGET}/s (Temporal Cloud's default of about 10 schedule RPS per namespace). The Schedule RPCs
 * are counted on the wire by the service ({@code syncplane.temporal.schedule-rpcs}), sampled every 250 ms.
 */
final class RateBudget {
  static final double BUDGET = 10;
  static final double WINDOW_SECONDS = 5;

  record Rates(double mean, double peakWindow, long rpcs, double seconds) {}

  static void run(Bench b) {
    int m = b.sizes.budget();
    String suffix = Bench.suffix();
    Fleet fleet = b.fleet();
    String fanned = fleet.create("budget-a-" + suffix, m, Duration.ofMinutes(5));
    String repaired = fleet.create("budget-b-" + suffix, m, Duration.ofMinutes(5));
    List<DesiredSchedule> repairedDesired = fleet.desired(repaired);
    int drifted = Math.max(3, m / 10);

    Rates unbounded = workload(b, b.service(), fanned, repaired, repairedDesired, drifted, 0);
    ServiceProcess limited = b.startService("bench-service-budget", Map.of("fanOut.scheduleRpcPerSecond", Double.toString(BUDGET)));
    Rates bounded = workload(b, limited, fanned, repaired, repairedDesired, drifted, 1);
    b.stopService(); // the next phase starts its own

    String note = "fan-out of " + m + " + list-based repair of " + drifted + " drifted, together; "
        + bounded.rpcs() + " RPCs in " + Figure.fmt(bounded.seconds()) + " s";
    b.figures.add(new Figure("budget", "Schedule RPC/s, mean, budget " + Figure.fmt(BUDGET) + "/s", bounded.mean(), "RPC/s",
        "the budget", BUDGET, bounded.mean() / BUDGET, "<= budget", bounded.mean() <= BUDGET, note));
    b.figures.add(new Figure("budget", "Schedule RPC/s, busiest " + Figure.fmt(WINDOW_SECONDS) + " s", bounded.peakWindow(), "RPC/s",
        "the budget", BUDGET, bounded.peakWindow() / BUDGET, "<= 1.1x budget", bounded.peakWindow() <= BUDGET * 1.1,
        "the budget saves nothing up while idle, so no window may exceed it by more than one call"));
    b.figures.add(Figure.info("budget", "the same workload without a budget, RPC/s mean", unbounded.mean(), "RPC/s",
        "the budget", BUDGET, unbounded.rpcs() + " RPCs in " + Figure.fmt(unbounded.seconds()) + " s, busiest "
            + Figure.fmt(WINDOW_SECONDS) + " s at " + Figure.fmt(unbounded.peakWindow()) + "/s"));
  }

  /** Drifts 10% of {@code repaired}, then runs the PUT and the drift repair together, counting Schedule RPCs. */
  static Rates workload(Bench b, ServiceProcess service, String fanned, String repaired, List<DesiredSchedule> desired, int drifted, int round) {
    Api api = service.api().withTimeout(Duration.ofMinutes(30));
    Fleet fleet = b.fleet().on(api);
    DriftScan.drift(b.schedules, desired, drifted, round);
    DriftScan.awaitListShows(b.schedules, repaired, desired, drifted);
    Sampler sampler = new Sampler(service.admin());
    sampler.start();
    Fleet.Put put = fleet.put(fanned);
    CompletableFuture<JsonNode> repair = CompletableFuture.supplyAsync(
        () -> Fleet.check(api.post("/api/v1/drift-repair?scan=list", null), 200));
    fleet.awaitApplied(fanned, put.updateId(), Duration.ofMinutes(30));
    JsonNode report = repair.join();
    Rates rates = sampler.finish();
    Bench.log((round == 0 ? "no budget" : "budget " + Figure.fmt(BUDGET) + "/s") + ": " + rates + "; repair " + DriftScan.summary(report));
    DriftScan.awaitListShows(b.schedules, repaired, desired, 0);
    return rates;
  }

  /** Reads the service's Schedule-RPC meter every 250 ms. */
  static final class Sampler extends Thread {
    private final Api admin;
    private final List<long[]> samples = new ArrayList<>(); // {nanos, count}
    private volatile boolean running = true;

    Sampler(Api admin) {
      this.admin = admin;
      setDaemon(true);
      samples.add(read());
    }

    @Override
    public void run() {
      while (running) {
        Bench.pause(250);
        long[] s = read();
        synchronized (samples) {
          samples.add(s);
        }
      }
    }

    Rates finish() {
      running = false;
      try {
        join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      samples.add(read());
      long[] first = samples.get(0), last = samples.get(samples.size() - 1);
      double seconds = (last[0] - first[0]) / 1e9;
      long rpcs = last[1] - first[1];
      double peak = 0;
      for (int i = 0; i < samples.size(); i++) {
        for (int j = i + 1; j < samples.size(); j++) {
          double span = (samples.get(j)[0] - samples.get(i)[0]) / 1e9;
          if (span >= WINDOW_SECONDS) {
            peak = Math.max(peak, (samples.get(j)[1] - samples.get(i)[1]) / span);
            break;
          }
        }
      }
      return new Rates(rpcs / seconds, peak, rpcs, seconds);
    }

    private long[] read() {
      JsonNode meters = Fleet.check(admin.get("/metrics"), 200).get("meters");
      return new long[] {System.nanoTime(), meters.get(SyncplaneMetrics.SCHEDULE_RPCS).get("count").asLong()};
    }
  }
}
