package dev.syncplane.bench;

import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.ServiceProcess;
import dev.syncplane.temporal.Names;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Target 4: one integration with 10,000 connections (20,000 until the propagation phase grew), updated. Its duration against the raw floor on the
 * same Schedules; the largest history any of its executor's runs produced (Temporal's limit is 10,000
 * events before it fails a workflow); the service process's peak RSS ({@code VmHWM}), in a fresh service
 * that did nothing else.
 */
final class Scale {
  static final double RSS_LIMIT_MIB = 512;
  static final int HISTORY_LIMIT = 10_000;

  static void run(Bench b) {
    int n = b.sizes.scale();
    ServiceProcess service = b.startService("bench-service-scale", Map.of());
    Fleet fleet = b.fleet();
    String id = "scale-" + n + "-" + Bench.suffix();
    Duration patience = Duration.ofSeconds(300 + n / 10);
    long start = System.nanoTime();
    fleet.create(id, n, patience);
    double created = Bench.seconds(System.nanoTime() - start);
    Bench.log(id + ": " + n + " Schedules created through the first PUT in " + Figure.fmt(created) + " s");

    Fleet.Put put = fleet.put(id);
    double update = Bench.seconds(fleet.awaitApplied(id, put.updateId(), patience) - put.sentNanos());
    double updateListed = Bench.seconds(fleet.awaitListedAt(id, put.version(), n, Duration.ofMinutes(20)) - put.sentNanos());
    long rssKiB = peakRssKiB(service.pid());
    long history = largestHistory(b, id);
    Bench.log(id + ": update " + Figure.fmt(update) + " s, largest history " + history + " events, peak RSS " + rssKiB / 1024 + " MiB");
    long floorStart = System.nanoTime();
    double floor = Bench.seconds(b.loop.updateRaw(fleet.desiredAt(id, put.version() + 1), b.parallelism));
    double floorListed = Bench.seconds(fleet.awaitListedAt(id, put.version() + 1, n, Duration.ofMinutes(20)) - floorStart);
    Bench.log(id + ": update " + Figure.fmt(update) + " s (listed " + Figure.fmt(updateListed) + " s), raw floor "
        + Figure.fmt(floor) + " s (listed " + Figure.fmt(floorListed) + " s)");

    b.figures.add(Figure.atMost("scale", "update " + n + " Schedules", update, "s", "raw floor", floor, 1.5,
        "creating them through the first PUT took " + Figure.fmt(created) + " s"));
    b.figures.add(Figure.info("scale", "update " + n + ": until Temporal's list shows every Schedule at it", updateListed, "s",
        "raw floor, until listed", floorListed, "the dev server's own scheduler worker and index are the limit here"));
    b.figures.add(Figure.underLimit("scale", "largest workflow history", history, "events", "Temporal's limit", HISTORY_LIMIT,
        "the workflow continues as new; every run of integration-update:" + id));
    b.figures.add(Figure.underLimit("scale", "service peak RSS", rssKiB / 1024.0, "MiB", "the limit", RSS_LIMIT_MIB,
        "VmHWM of the service process, JVM options: " + String.join(" ", Bench.serviceJvm())));
    fleet.delete(id, patience);
    b.stopService();
  }

  /** The process's peak resident set size (VmHWM), in KiB. */
  static long peakRssKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the service's /proc status", e);
    }
    throw new IllegalStateException("no VmHWM in /proc/" + pid + "/status");
  }

  /**
   * The longest history among every run (continue-as-new included) of the integration's workflow and of its update
   * runs (the passes).
   */
  static long largestHistory(Bench b, String integrationId) {
    long largest = 0;
    com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse page = ServiceHarness.stubs().blockingStub().listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder()
              .setNamespace("default")
              .setQuery("WorkflowId = '" + Names.updateWorkflowId(integrationId) + "' OR ("
                  + Names.updateRunsQuery(integrationId) + ")")
              .setNextPageToken(token)
              .build());
      for (WorkflowExecutionInfo info : page.getExecutionsList()) {
        largest = Math.max(largest, info.getHistoryLength());
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    // Visibility may not have the running run's length yet: its mutable state has.
    DescribeWorkflowExecutionResponse current = ServiceHarness.stubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(Names.updateWorkflowId(integrationId)))
            .build());
    return Math.max(largest, current.getWorkflowExecutionInfo().getHistoryLength());
  }
}
