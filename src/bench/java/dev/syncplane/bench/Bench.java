package dev.syncplane.bench;

import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.ServiceProcess;
import dev.syncplane.support.TestPostgres;
import dev.syncplane.support.TestTemporal;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code bin/bench}: syncplane against the real Temporal dev server and a real PostgreSQL, every figure
 * beside a baseline measured in the same run. Prints a table and writes {@code bench.csv} and
 * {@code bench.png} to the output directory.
 *
 * <pre>
 *   bin/bench                       # everything, full sizes (about 27 minutes on a quiet 2-core machine)
 *   bin/bench --quick               # the same phases at small sizes (a few minutes)
 *   bin/bench --only propagation,accept
 *   bin/bench --only propagation --propagation-sizes 5000          # propagation at other sizes only
 *   bin/bench --only accept --set fanOut.minPassIntervalMs=60000   # an A/B: the same run with a setting changed
 * </pre>
 */
public final class Bench {
  static final List<String> PHASES = List.of("propagation", "accept", "drift", "budget", "scale", "replicas");

  /** The sizes of one run. */
  record Sizes(int[] propagation, int[] clients, int acceptWarmup, int drift, int budget, int scale) {
    static final Sizes FULL = new Sizes(new int[] {10, 50, 200, 1_000, 5_000}, new int[] {1, 8, 32}, 16_000, 5_000, 200, 10_000);
    static final Sizes QUICK = new Sizes(new int[] {10, 50, 200, 500}, new int[] {1, 8, 32}, 2_400, 500, 100, 2_000);

    Sizes withPropagation(int[] ns) {
      return new Sizes(ns, clients, acceptWarmup, drift, budget, scale);
    }

    Sizes withScale(int n) {
      return new Sizes(propagation, clients, acceptWarmup, drift, budget, n);
    }
  }

  /** The service's settings under the benchmark, beside the tests' defaults (ServiceHarness). */
  static Map<String, String> serviceSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fanOut.idleTimeoutMs", "60000"); // the shipped default: executors stay warm between PUTs
    s.put("driftRepair.interval", "1h"); // the benchmark asks for its runs; no periodic run in between
    s.put("driftRepair.apiWaitMs", "300000"); // the most it allows: a run answers 200 with its report
    return s;
  }

  /** The JVM the service runs in: SYNCPLANE_JAVA_OPTS, as bin/dev and the Docker image run it. */
  static List<String> serviceJvm() {
    String opts = System.getenv().getOrDefault("SYNCPLANE_JAVA_OPTS", "");
    return opts.isBlank() ? List.of() : Arrays.asList(opts.trim().split("\\s+"));
  }

  final Sizes sizes;
  /** {@code --set key=value}: service settings on top of every phase's own, for an A/B against the shipped ones. */
  final Map<String, String> overrides;
  /** fanOut.parallelism (the shipped default unless {@code --set}): the floors run at the service's concurrency. */
  final int parallelism;
  /** driftRepair.pageSize, likewise: the bare list the drift phase sets beside a run pages as the scan does. */
  final int driftPageSize;
  final Jdbi jdbi;
  final ScheduleClient schedules;
  final WorkflowClient workflows;
  final ScheduleLoop loop;
  final List<Figure> figures = new ArrayList<>();
  /** Integrations a phase leaves for a later one (the drift phase reuses propagation's largest). */
  final Map<String, String> kept = new LinkedHashMap<>();
  private ServiceProcess service;

  Bench(Sizes sizes, Map<String, String> overrides) {
    this.sizes = sizes;
    this.overrides = overrides;
    SyncplaneConfiguration shipped = new SyncplaneConfiguration();
    this.parallelism = intSetting("fanOut.parallelism", shipped.fanOut.parallelism);
    this.driftPageSize = intSetting("driftRepair.pageSize", shipped.driftRepair.pageSize);
    System.setProperty(TestTemporal.IN_MEMORY, "true");
    TestPostgres.get();
    TestTemporal.get();
    this.jdbi = TestPostgres.jdbi();
    this.schedules = ServiceHarness.schedules();
    this.workflows = ServiceHarness.workflows();
    this.loop = new ScheduleLoop(schedules, ServiceHarness.stubs(), ServiceHarness.gateway());
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Set<String> only = new TreeSet<>(PHASES);
    Path out = Path.of("target", "bench");
    Map<String, String> overrides = new LinkedHashMap<>();
    String propagationSizes = null;
    String scaleSize = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--propagation-sizes" -> {
          propagationSizes = args[++i];
          if (!propagationSizes.matches("[1-9]\\d*(,[1-9]\\d*)*")) {
            System.err.println("--propagation-sizes takes connection counts, e.g. 1000,5000; got '" + propagationSizes + "'");
            System.exit(2);
          }
        }
        case "--scale-size" -> {
          scaleSize = args[++i];
          if (!scaleSize.matches("[1-9]\\d*")) {
            System.err.println("--scale-size takes a connection count, e.g. 20000; got '" + scaleSize + "'");
            System.exit(2);
          }
        }
        case "--only" -> only = new TreeSet<>(Arrays.asList(args[++i].split(",")));
        case "--out" -> out = Path.of(args[++i]);
        case "--set" -> {
          String kv = args[++i];
          if (!kv.matches("[A-Za-z][\\w.]*=.+")) {
            System.err.println("--set takes a service setting as key=value, e.g. fanOut.minPassIntervalMs=5000; got '" + kv + "'");
            System.exit(2);
          }
          int eq = kv.indexOf('=');
          overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> {
          System.err.println("usage: bin/bench [--quick] [--only " + String.join(",", PHASES)
              + "] [--propagation-sizes N,...] [--scale-size N] [--out DIR] [--set key=value]...");
          System.exit(2);
        }
      }
    }
    if (!PHASES.containsAll(only)) {
      System.err.println("unknown phase in " + only + "; phases: " + PHASES);
      System.exit(2);
    }
    Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
    if (propagationSizes != null) {
      sizes = sizes.withPropagation(Arrays.stream(propagationSizes.split(",")).mapToInt(Integer::parseInt).toArray());
    }
    if (scaleSize != null) {
      sizes = sizes.withScale(Integer.parseInt(scaleSize));
    }
    Bench bench = new Bench(sizes, overrides);
    if (!overrides.isEmpty()) {
      log("service settings changed from the shipped ones (--set): " + overrides);
    }
    Instant start = Instant.now();
    try {
      for (String phase : PHASES) {
        if (!only.contains(phase)) {
          continue;
        }
        log("== " + phase);
        awaitQuiet(phase);
        switch (phase) {
          case "propagation" -> Propagation.run(bench);
          case "accept" -> AcceptLatency.run(bench);
          case "drift" -> DriftScan.run(bench);
          case "budget" -> RateBudget.run(bench);
          case "scale" -> Scale.run(bench);
          case "replicas" -> Replicas.run(bench);
          default -> throw new IllegalStateException(phase);
        }
        Report.table(bench.figures, System.out); // so far, in case a later phase fails
      }
    } finally {
      bench.stopService();
    }
    List<String> variant = new ArrayList<>();
    if (quick) {
      variant.add("--quick");
    }
    if (propagationSizes != null) {
      variant.add("--propagation-sizes " + propagationSizes);
    }
    if (scaleSize != null) {
      variant.add("--scale-size " + scaleSize);
    }
    if (System.getenv("SYNCPLANE_TEST_TEMPORAL_ADDRESS") != null) {
      variant.add("--temporal server");
    }
    overrides.forEach((key, value) -> variant.add("--set " + key + "=" + value));
    Report.write(bench.figures, out, Duration.between(start, Instant.now()), String.join(" ", variant));
    System.exit(bench.figures.stream().anyMatch(f -> Boolean.FALSE.equals(f.met())) ? 1 : 0);
  }

  /** A service setting as the bench runs it: {@code --set}, else the shipped default. */
  private int intSetting(String key, int shipped) {
    return overrides.containsKey(key) ? Integer.parseInt(overrides.get(key)) : shipped;
  }

  /** The service under test, started with {@code settings} on top of the benchmark's (a running one is stopped first). */
  ServiceProcess startService(String name, Map<String, String> settings) {
    stopService();
    Map<String, String> all = serviceSettings();
    all.putAll(settings);
    all.putAll(overrides);
    service = new ServiceProcess(name, all).jvmOptions(serviceJvm()).start();
    return service;
  }

  /** The main service: started once, for the phases that need no special setting. */
  ServiceProcess service() {
    if (service == null) {
      startService("bench-service", Map.of());
    }
    return service;
  }

  void stopService() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  Fleet fleet() {
    return new Fleet(service().api().withTimeout(Duration.ofMinutes(30)), jdbi, schedules);
  }

  static void log(String message) {
    System.out.println(Instant.now() + " " + message);
    System.out.flush();
  }

  /** Quiet: the service, the dev server and PostgreSQL together under this many cores, {@value #QUIET_SECONDS} s running. */
  static final double QUIET_CORES = 0.25;
  static final int QUIET_SECONDS = 2;
  static final Duration QUIET_PATIENCE = Duration.ofMinutes(3);

  /**
   * Waits, up to {@link #QUIET_PATIENCE}, until the machine is quiet, so that what an earlier step left the server
   * to digest is not timed as part of the next one. After a propagation phase, the dev server goes on indexing
   * the Schedules its twin fleets deleted for about 20 s: a list-based drift run begun then listed 5,328
   * Schedules for 5,000 and read 4.75x (9.3x alone), while the describe-each baseline, timed after it, met a
   * quiet server. Logs how long it waited; never fails.
   */
  static void awaitQuiet(String before) {
    long start = System.nanoTime();
    long deadline = start + QUIET_PATIENCE.toNanos();
    Map<String, Double> last = ProcessCpu.now();
    long lastAt = System.nanoTime();
    double cores = Double.NaN;
    int quiet = 0;
    while (quiet < QUIET_SECONDS && System.nanoTime() < deadline) {
      pause(1000);
      Map<String, Double> now = ProcessCpu.now();
      long nowAt = System.nanoTime();
      cores = ProcessCpu.coresUnderTest(last, now, nowAt - lastAt);
      quiet = cores < QUIET_CORES ? quiet + 1 : 0;
      last = now;
      lastAt = nowAt;
    }
    log((quiet >= QUIET_SECONDS ? "quiet" : "still busy (" + Figure.fmt(cores) + " cores), going on") + " after "
        + Figure.fmt(seconds(System.nanoTime() - start)) + " s, before " + before);
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /**
   * The median; of an even count, the mean of the middle two. Propagation at N = 5,000 runs twice a side in ABBA
   * order on a dev server that slows as updates accumulate: the mean of each side's two cancels that trend, where
   * the faster of two would always be the earliest run (docs/benchmarks.md, "What limits each figure").
   */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static String suffix() {
    return Long.toString(System.currentTimeMillis() % 100_000, 36);
  }
}
