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
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Target 2: PUT latency (until the 200, i.e. the DB commit) at 1, 8 and 32 concurrent clients, each client
 * changing its own integration, against the floor: a bare update-with-start round trip on a no-op
 * workflow ({@link NoopWorkflow}, its worker in this process), same clients, same counts.
 */
final class AcceptLatency {
  static final int REQUESTS_PER_LEVEL = 240;
  static final int WARMUP_PER_CLIENT = 3;
  /**
   * Requests each path gets before anything is timed, so that both are measured warm (JIT-compiled), as a
   * service that has been up for a while is. Without it the PUT path, which runs far more code than the
   * no-op (HTTP, JSON, JDBI, the executor workflow), pays its compilation in the figures: at 1 client its
   * p50 fell from 35 to 17 ms over the first few thousand PUTs.
   */
  static final int WARMUP_REQUESTS = 2_400;

  static void run(Bench b) {
    Fleet fleet = b.fleet();
    int most = java.util.Arrays.stream(b.sizes.clients()).max().orElseThrow();
    String prefix = "acc-" + Bench.suffix();
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < most; k++) {
      ids.add(fleet.create(prefix + "-" + k, 1, Duration.ofMinutes(2))); // one connection: a real, small fan-out follows each PUT
    }
    WorkerFactory factory = WorkerFactory.newInstance(b.workflows);
    factory.newWorker(NoopWorkflow.TASK_QUEUE).registerWorkflowImplementationTypes(NoopWorkflow.Impl.class);
    factory.start();
    try {
      int warmClients = 8;
      String warmPrefix = prefix + "-noopwarm-";
      Bench.log("warming both paths: " + WARMUP_REQUESTS + " requests each, " + warmClients + " clients");
      measure(warmClients, WARMUP_REQUESTS / warmClients, k -> () -> {
        noop(b.workflows, warmPrefix + k, k);
        return 0;
      });
      measure(warmClients, WARMUP_REQUESTS / warmClients, k -> () -> {
        fleet.put(ids.get(k));
        return 0;
      });
      for (int clients : b.sizes.clients()) {
        int perClient = Math.max(10, REQUESTS_PER_LEVEL / clients);
        String noopPrefix = prefix + "-noop" + clients + "-";
        IntFunction<LongSupplier> noop = k -> () -> {
          long start = System.nanoTime();
          noop(b.workflows, noopPrefix + k, k);
          return System.nanoTime() - start;
        };
        IntFunction<LongSupplier> put = k -> () -> {
          Fleet.Put p = fleet.put(ids.get(k)); // times the HTTP call only, not its reading of the current version
          return p.answeredNanos() - p.sentNanos();
        };
        measure(clients, WARMUP_PER_CLIENT, noop); // start the no-op workflows, warm both paths
        measure(clients, WARMUP_PER_CLIENT, put);
        List<Double> floor = measure(clients, perClient, noop);
        List<Double> syncplane = measure(clients, perClient, put);
        String note = clients * perClient + " requests each; ms";
        Bench.log(clients + " clients: PUT p50 " + Figure.fmt(Bench.median(syncplane)) + " p99 " + Figure.fmt(Bench.percentile(syncplane, 99))
            + " ms; floor p50 " + Figure.fmt(Bench.median(floor)) + " p99 " + Figure.fmt(Bench.percentile(floor, 99)) + " ms");
        b.figures.add(Figure.atMost("accept", clients + " client(s): PUT p50", Bench.median(syncplane), "ms",
            "update-with-start floor p50", Bench.median(floor), 1.5, note));
        b.figures.add(Figure.info("accept", clients + " client(s): PUT p99", Bench.percentile(syncplane, 99), "ms",
            "update-with-start floor p99", Bench.percentile(floor, 99), note));
      }
      // The accept alone: one client, each PUT once the previous change has finished fanning out (not timed).
      String isolated = ids.get(0);
      String noopId = prefix + "-noop-isolated";
      noop(b.workflows, noopId, 0);
      List<Double> floor = new ArrayList<>(), syncplane = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long start = System.nanoTime();
        noop(b.workflows, noopId, i);
        floor.add((System.nanoTime() - start) / 1e6);
        Fleet.Put p = fleet.put(isolated);
        syncplane.add((p.answeredNanos() - p.sentNanos()) / 1e6);
        fleet.awaitApplied(isolated, p.updateId(), Duration.ofMinutes(1));
      }
      b.figures.add(Figure.info("accept", "1 client, each PUT after the last fan-out ended: p50", Bench.median(syncplane), "ms",
          "update-with-start floor p50", Bench.median(floor), "40 requests; the accept without a fan-out in flight"));
    } finally {
      factory.shutdownNow();
    }
    for (String id : ids) {
      fleet.delete(id, Duration.ofMinutes(2));
    }
  }

  /** One update-with-start on a no-op workflow, waiting for the Update to complete: the floor. */
  static void noop(WorkflowClient client, String workflowId, long n) {
    NoopWorkflow stub = client.newWorkflowStub(NoopWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(NoopWorkflow.TASK_QUEUE)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build());
    WorkflowClient.executeUpdateWithStart(stub::touch, n,
        UpdateOptions.newBuilder(Long.class).setWaitForStage(WorkflowUpdateStage.COMPLETED).build(),
        new WithStartWorkflowOperation<>(stub::run));
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
