package dev.syncplane.bench;

import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * A figure, no target: PUT latency (until the 200, i.e. the DB commit) at 1, 8 and 32 concurrent clients, each client
 * changing its own integration, against the floor: a bare update-with-start round trip on a no-op
 * workflow ({@link NoopWorkflow}, its worker in this process), same clients, same counts. Each level times the
 * floor first, once the fan-outs of the PUTs before it have ended (the floor has none, and should not share the
 * machine with ours), then the PUTs, whose own fan-outs are part of what they cost; each of the two begins once
 * the machine is quiet ({@link Bench#awaitQuiet}), so that neither is timed while the server still digests the
 * other's work.
 */
final class AcceptLatency {
  /**
   * Requests per level and path: 960 (30 per client at 32 clients). With 240, a level at 32 clients lasted a few
   * seconds, about one pass interval, and measured how an integration's first changes after a pause cost (its
   * passes not yet spaced out) rather than how a busy one runs.
   */
  static final int REQUESTS_PER_LEVEL = 960;
  static final int WARMUP_PER_CLIENT = 3;
  /**
   * Requests each path gets before anything is timed, so that both are measured warm (JIT-compiled), as a
   * service that has been up for a while is. The PUT path runs far more code than the no-op (HTTP, JSON, JDBI,
   * the workflow workflow): measured per round of 2,000 PUTs at 8 clients, the service's JIT compiler threads
   * took 8.3, 4.6, 2.2, 2.1, 1.2, 0.8, 0.2 and 0.1 ms of CPU per PUT, so 2,400 left it compiling through the
   * timed requests. So the full run warms each path with 16,000 requests ({@code Sizes.acceptWarmup}), in
   * rounds, each logged with its CPU per request, from as many clients as the busiest level, so that every
   * integration measured has a running executor and the passes' code is compiled too: warmed from 8 clients, the
   * 32-client level still spent 7 ms of JIT per PUT.
   */
  static final int WARMUP_ROUNDS = 8;
  /** Clients for the measurement of the floor's parts. */
  static final int PARTS_CLIENTS = 8;

  static void run(Bench b) {
    Fleet fleet = b.fleet();
    int most = java.util.Arrays.stream(b.sizes.clients()).max().orElseThrow();
    String prefix = "acc-" + Bench.suffix();
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < most; k++) {
      ids.add(fleet.create(prefix + "-" + k, 1, Duration.ofMinutes(2))); // one connection: a real, small fan-out follows each PUT
    }
    WorkerFactory factory = WorkerFactory.newInstance(b.workflows);
    var worker = factory.newWorker(NoopWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(NoopWorkflow.Impl.class);
    worker.registerActivitiesImplementations(new NoopWorkflow.NoopImpl());
    factory.start();
    try {
      String warmPrefix = prefix + "-noopwarm-";
      Map<Integer, String> lastUpdate = new java.util.concurrent.ConcurrentHashMap<>();
      Map<Integer, Long> versions = new java.util.concurrent.ConcurrentHashMap<>(); // each client's integration, as last answered
      IntFunction<LongSupplier> put = k -> () -> {
        long version = versions.computeIfAbsent(k, c -> fleet.integrations().find(ids.get(c)).orElseThrow().version());
        Fleet.Put p = fleet.put(ids.get(k), version); // times the HTTP call only
        lastUpdate.put(k, p.updateId());
        versions.put(k, p.version());
        return p.answeredNanos() - p.sentNanos();
      };
      int warmup = b.sizes.acceptWarmup();
      Bench.log("warming both paths: " + warmup + " requests each, " + most + " clients");
      warm("floor", warmup, most, k -> () -> timed(() -> noop(b.workflows, warmPrefix + k, k + 1)));
      Map<String, ProcessCpu.ThreadCpu> threads0 = ProcessCpu.serviceThreads();
      int warmed = warm("PUT", warmup, most, put);
      Bench.log("warm-up PUT, the service's threads: "
          + ProcessCpu.describe(ProcessCpu.threadsPerRequest(threads0, ProcessCpu.serviceThreads(), warmed)));
      for (int clients : b.sizes.clients()) {
        int perClient = Math.max(10, REQUESTS_PER_LEVEL / clients);
        String noopPrefix = prefix + "-noop" + clients + "-";
        IntFunction<LongSupplier> noop = k -> () -> timed(() -> noop(b.workflows, noopPrefix + k, k + 1));
        awaitFanOutsEnded(fleet, ids, lastUpdate);
        Bench.awaitQuiet("the floor at " + clients + " client(s)");
        measure(clients, WARMUP_PER_CLIENT, noop); // start the no-op workflows
        Map<String, Double> cpu0 = ProcessCpu.now();
        List<Double> floor = measure(clients, perClient, noop);
        Map<String, Double> cpu1 = ProcessCpu.now();
        Bench.awaitQuiet("the PUTs at " + clients + " client(s)");
        measure(clients, WARMUP_PER_CLIENT, put);
        Map<String, Double> cpu2 = ProcessCpu.now();
        Map<String, ProcessCpu.ThreadCpu> threads2 = ProcessCpu.serviceThreads();
        List<Double> syncplane = measure(clients, perClient, put);
        Map<String, Double> floorCpu = ProcessCpu.perRequest(cpu0, cpu1, floor.size());
        Map<String, Double> putCpu = ProcessCpu.perRequest(cpu2, ProcessCpu.now(), syncplane.size());
        Map<String, Double> putThreads = ProcessCpu.threadsPerRequest(threads2, ProcessCpu.serviceThreads(), syncplane.size());
        String note = clients * perClient + " requests each; ms";
        Bench.log(clients + " clients: PUT p50 " + Figure.fmt(Bench.median(syncplane)) + " p99 " + Figure.fmt(Bench.percentile(syncplane, 99))
            + " ms; floor p50 " + Figure.fmt(Bench.median(floor)) + " p99 " + Figure.fmt(Bench.percentile(floor, 99)) + " ms");
        // A figure, not a target: what a PUT's commit costs beside a bare update-with-start (docs/benchmarks.md).
        b.figures.add(Figure.info("accept", clients + " client(s): PUT p50", Bench.median(syncplane), "ms",
            "update-with-start floor p50", Bench.median(floor), note));
        b.figures.add(Figure.info("accept", clients + " client(s): PUT p99", Bench.percentile(syncplane, 99), "ms",
            "update-with-start floor p99", Bench.percentile(floor, 99), note));
        Bench.log(clients + " clients, floor: " + ProcessCpu.describe(floorCpu));
        Bench.log(clients + " clients, PUT: " + ProcessCpu.describe(putCpu));
        Bench.log(clients + " clients, PUT, the service's threads: " + ProcessCpu.describe(putThreads));
        b.figures.add(Figure.info("accept", clients + " client(s): CPU per PUT, all processes", putCpu.get("total"), "ms",
            "CPU per floor request", floorCpu.get("total"), "PUT: " + ProcessCpu.describe(putCpu)
                + "; floor: " + ProcessCpu.describe(floorCpu)));
      }
      awaitFanOutsEnded(fleet, ids, lastUpdate);
      floorParts(b, prefix);
    } finally {
      factory.shutdownNow();
    }
    for (String id : ids) {
      fleet.delete(id, Duration.ofMinutes(2));
    }
  }

  /** Waits until each integration's last PUT has reached its Schedules: no fan-out of ours is left running. */
  private static void awaitFanOutsEnded(Fleet fleet, List<String> ids, Map<Integer, String> lastUpdate) {
    lastUpdate.forEach((k, updateId) -> fleet.awaitApplied(ids.get(k), updateId, Duration.ofMinutes(2)));
  }

  /**
   * What two parts of syncplane's accepting workflow task cost on their own, at {@value #PARTS_CLIENTS} clients: the
   * floor plus a no-op local activity (syncplane commits in one), and the floor plus a search-attribute upsert
   * (which the workflow does once per pass, not per change, for this reason). Three interleaved rounds; the
   * median round of each.
   */
  private static void floorParts(Bench b, String prefix) {
    Map<String, List<Double>> p50 = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    List<String> parts = List.of("floor", "floor + a local activity", "floor + a search-attribute upsert");
    for (int round = 0; round < 3; round++) {
      for (String part : parts) {
        String ids = prefix + "-parts" + parts.indexOf(part) + "-";
        Map<String, Double> before = ProcessCpu.now();
        List<Double> latencies = measure(PARTS_CLIENTS, 30, k -> () -> timed(() -> {
          NoopWorkflow stub = noopStub(b.workflows, ids + k);
          WorkflowClient.executeUpdateWithStart(stub::touchWith, System.nanoTime(), parts.indexOf(part) == 1,
              parts.indexOf(part) == 2, COMPLETED, new WithStartWorkflowOperation<>(stub::run));
        }));
        p50.computeIfAbsent(part, x -> new ArrayList<>()).add(Bench.median(latencies));
        cpu.computeIfAbsent(part, x -> new ArrayList<>())
            .add(ProcessCpu.perRequest(before, ProcessCpu.now(), latencies.size()).get("temporal"));
      }
    }
    double floorP50 = Bench.median(p50.get("floor"));
    double floorCpu = Bench.median(cpu.get("floor"));
    for (String part : parts.subList(1, parts.size())) {
      b.figures.add(Figure.info("accept", PARTS_CLIENTS + " clients: " + part + ", p50", Bench.median(p50.get(part)), "ms",
          "update-with-start floor p50", floorP50, "what that part of an accepting workflow task costs; median of 3 rounds"));
      b.figures.add(Figure.info("accept", PARTS_CLIENTS + " clients: " + part + ", Temporal's CPU", Bench.median(cpu.get(part)),
          "ms", "Temporal's CPU per floor request", floorCpu, "CPU of the dev server per request; median of 3 rounds"));
    }
  }

  /**
   * {@code requests} from {@code clients} clients in {@value #WARMUP_ROUNDS} rounds, each logged with its p50 and CPU;
   * how many it made.
   */
  private static int warm(String path, int requests, int clients, IntFunction<LongSupplier> request) {
    int made = 0;
    for (int round = 0; round < WARMUP_ROUNDS; round++) {
      Map<String, Double> before = ProcessCpu.now();
      List<Double> latencies = measure(clients, requests / WARMUP_ROUNDS / clients, request);
      made += latencies.size();
      Bench.log("warm-up " + path + " " + (round + 1) + "/" + WARMUP_ROUNDS + ": p50 " + Figure.fmt(Bench.median(latencies))
          + " ms; " + ProcessCpu.describe(ProcessCpu.perRequest(before, ProcessCpu.now(), latencies.size())));
    }
    return made;
  }

  private static long timed(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return System.nanoTime() - start;
  }

  private static final UpdateOptions<Long> COMPLETED =
      UpdateOptions.newBuilder(Long.class).setWaitForStage(WorkflowUpdateStage.COMPLETED).build();

  private static NoopWorkflow noopStub(WorkflowClient client, String workflowId) {
    return client.newWorkflowStub(NoopWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(NoopWorkflow.TASK_QUEUE)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build());
  }

  /** One update-with-start on a no-op workflow, waiting for the Update to complete: the floor. */
  static void noop(WorkflowClient client, String workflowId, long n) {
    NoopWorkflow stub = noopStub(client, workflowId);
    WorkflowClient.executeUpdateWithStart(stub::touch, n, COMPLETED, new WithStartWorkflowOperation<>(stub::run));
  }

  /** {@code clients} threads, each calling its own request {@code perClient} times in a row; every latency in ms. */
  static List<Double> measure(int clients, int perClient, IntFunction<LongSupplier> request) {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Integer> clientIds = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      clientIds.add(k);
    }
    ScheduleLoop.run(clientIds, clients, k -> {
      LongSupplier call = request.apply(k);
      for (int i = 0; i < perClient; i++) {
        latencies.add(call.getAsLong() / 1e6);
      }
    });
    return latencies;
  }
}
