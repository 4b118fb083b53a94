package dev.syncplane.bench;

import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.Race;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A burst of 20 concurrent PUTs to one integration through one replica, against the same burst split across two
 * replicas (separate JVMs, one Temporal, one PostgreSQL), as a portal behind a load balancer sends it. The
 * baseline is the one-replica burst of the same run; the turns alternate which goes first.
 */
final class Replicas {
  static final int PUTS = 20;
  static final int CONNECTIONS = 30;
  static final int REPS = 3;

  private Replicas() {}

  static void run(Bench bench) throws Exception {
    bench.stopService();
    Map<String, String> settings = new LinkedHashMap<>(Bench.serviceSettings());
    settings.putAll(bench.overrides);
    try (ServiceProcess a = new ServiceProcess("bench-replica-a", settings).jvmOptions(Bench.serviceJvm()).start();
        ServiceProcess b = new ServiceProcess("bench-replica-b", settings).jvmOptions(Bench.serviceJvm()).start()) {
      Integrations viaA = new Integrations(a.api(), ServiceHarness.schedules());
      String id = viaA.create(Integrations.newId("bench-replicas"), 3_600_000);
      viaA.connect(id, CONNECTIONS, 4);
      List<Duration> one = new ArrayList<>(), two = new ArrayList<>();
      int refused = 0, sent = 0;
      for (int rep = 0; rep < REPS; rep++) {
        for (boolean oneFirst : new boolean[] {rep % 2 == 0, rep % 2 != 0}) {
          List<Duration> into = oneFirst ? one : two;
          IntFunction<Api> route = oneFirst ? i -> a.api() : i -> (i % 2 == 0 ? a : b).api();
          refused += burst(id, route, sent, into);
          sent += PUTS;
          Bench.log(String.format("replicas: %s, p50 so far %d ms", oneFirst ? "through one" : "split across two",
              p50(into).toMillis()));
        }
      }
      bench.figures.add(Figure.atMost("replicas", PUTS + " concurrent PUTs split across two replicas: p50",
          p50(two).toMillis(), "ms", "the same burst through one replica, p50", p50(one).toMillis(), 2.0,
          REPS + " bursts each, alternating which goes first"));
      bench.figures.add(Figure.info("replicas", PUTS + " concurrent PUTs split across two replicas: max",
          Collections.max(two).toMillis(), "ms", "through one replica, max", Collections.max(one).toMillis(), ""));
      bench.figures.add(Figure.underLimit("replicas", "answers other than 200, of " + sent,
          refused, "answers", "none", 1, ""));
      viaA.deleteAndWait(id, Duration.ofMinutes(3));
    }
  }

  /** One burst; returns how many answers were not 200. */
  private static int burst(String id, IntFunction<Api> route, int offset, List<Duration> took) throws Exception {
    List<Duration> times = Collections.synchronizedList(new ArrayList<>());
    List<Response> answers = Race.run(PUTS, i -> {
      Api api = route.apply(i);
      Map<String, Object> body = Map.of("provider", "salesforce", "name", "bench put " + (offset + i),
          "periodMs", 3_600_000L + (offset + i + 1) * 1_000L, "syncEnabled", false);
      return () -> {
        long started = System.nanoTime();
        Response r = api.put(Integrations.path(id), body, Map.of());
        times.add(Duration.ofNanos(System.nanoTime() - started));
        return r;
      };
    });
    took.addAll(times);
    return (int) answers.stream().filter(r -> r.status() != 200).count();
  }

  private static Duration p50(List<Duration> took) {
    List<Duration> sorted = new ArrayList<>(took);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
