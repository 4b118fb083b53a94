package dev.syncplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.support.Api;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.ActualSchedule;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleClassifier;
import dev.syncplane.temporal.schedules.ScheduleClassifier.State;
import dev.syncplane.temporal.schedules.ScheduleClassifier.Verdict;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Target 3: N Schedules, 1% of them changed behind syncplane's back (interval changed, unpaused, deleted,
 * in turn), the time to find and repair them all: syncplane's list-based run ({@code POST
 * /api/v1/drift-repair?scan=list}) against a describe-each baseline (describe every Schedule, compare with
 * the DB, repair what differs; the SDK, at the fan-out's concurrency). Each side gets its own 1%, and each
 * starts once Temporal's list shows the drift. The deep run (describes everything, the only way to see
 * edited action arguments) is shown too, for information.
 */
final class DriftScan {
  static void run(Bench b) {
    Fleet fleet = b.fleet();
    int n = b.sizes.drift();
    String id = b.kept.remove("drift");
    if (id == null) {
      id = fleet.create("drift-" + n + "-" + Bench.suffix(), n, Duration.ofSeconds(120 + n / 10));
    }
    List<DesiredSchedule> desired = fleet.desired(id);
    int drifted = Math.max(3, n / 100);
    Api api = b.service().api().withTimeout(Duration.ofMinutes(30));

    // A service that has been up a while has run its periodic list-based repair (every 5 minutes by default), and
    // this JVM has listed the Schedules many times in the phases before: warm the service's scan the same way,
    // untimed, before anything drifts.
    long warm = System.nanoTime();
    JsonNode warmReport = Fleet.check(api.post("/api/v1/drift-repair?scan=list", null), 200);
    Bench.log("an untimed list-based run first, as the periodic one: " + Figure.fmt(Bench.seconds(System.nanoTime() - warm))
        + " s, " + summary(warmReport) + "; " + activityTimes());

    // syncplane, list-based
    drift(b.schedules, desired, drifted, 0);
    awaitListShows(b.schedules, id, desired, drifted);
    Bench.awaitQuiet("the list-based run");
    long start = System.nanoTime();
    JsonNode report = Fleet.check(api.post("/api/v1/drift-repair?scan=list", null), 200);
    double listRun = Bench.seconds(System.nanoTime() - start);
    Bench.log("list-based run: " + Figure.fmt(listRun) + " s, " + summary(report) + "; " + activityTimes());
    awaitListShows(b.schedules, id, desired, 0);

    // the baseline: describe each
    drift(b.schedules, desired, drifted, 1);
    awaitListShows(b.schedules, id, desired, drifted);
    Bench.awaitQuiet("the describe-each baseline");
    AtomicInteger repaired = new AtomicInteger();
    double describeEach = Bench.seconds(ScheduleLoop.run(desired, b.parallelism, d -> {
      if (describeAndRepairRetried(b.schedules, d)) {
        repaired.incrementAndGet();
      }
    }));
    Bench.log("describe-each baseline: " + Figure.fmt(describeEach) + " s, repaired " + repaired);
    awaitListShows(b.schedules, id, desired, 0);

    // syncplane, deep
    drift(b.schedules, desired, drifted, 2);
    awaitListShows(b.schedules, id, desired, drifted);
    Bench.awaitQuiet("the deep run");
    start = System.nanoTime();
    JsonNode deepReport = Fleet.check(api.post("/api/v1/drift-repair?scan=deep", null), 200);
    double deepRun = Bench.seconds(System.nanoTime() - start);
    Bench.log("deep run: " + Figure.fmt(deepRun) + " s, " + summary(deepReport) + "; " + activityTimes());
    awaitListShows(b.schedules, id, desired, 0);

    // what the list-based run cannot go below: Temporal's list of every Schedule, at the scan's page size
    start = System.nanoTime();
    long count;
    try (Stream<ScheduleListDescription> all =
        b.schedules.listSchedules(Names.schedulesWithOurPrefixQuery(), b.driftPageSize)) {
      count = all.count();
    }
    double bareList = Bench.seconds(System.nanoTime() - start);
    Bench.log("bare list: " + Figure.fmt(bareList) + " s, " + count + " Schedules");

    String note = n + " Schedules, " + drifted + " drifted; syncplane repaired " + report.path("repaired").asInt()
        + ", described " + report.path("schedulesChecked").asInt() + "; baseline repaired " + repaired;
    b.figures.add(Figure.fasterBy("drift", "find and repair 1% of " + n + " (list-based run)", listRun, "s",
        "describe-each baseline", describeEach, 5, note));
    b.figures.add(Figure.fasterBy("drift", "find and repair 1% of " + n + " (deep run)", deepRun, "s",
        "describe-each baseline", describeEach, 5, "deep: describes all " + deepReport.path("schedulesChecked").asInt()
            + ", repaired " + deepReport.path("repaired").asInt()).informational("deep runs describe every Schedule"));
    b.figures.add(Figure.info("drift", "list-based run against a bare list of every Schedule", listRun, "s",
        "bare list (" + count + ")", bareList, "the list-based run's floor: the server's list, one call per "
            + b.driftPageSize + " Schedules"));
    if (report.path("repaired").asInt() != drifted || repaired.get() != drifted) {
      throw new IllegalStateException("expected " + drifted + " repairs on each side: " + note);
    }
    fleet.delete(id, Duration.ofSeconds(120 + n / 10));
  }

  static String summary(JsonNode report) {
    return "repaired " + report.path("repaired") + " " + report.path("counts") + ", described " + report.path("schedulesChecked")
        + ", listed " + report.path("schedulesListed");
  }

  /**
   * How the last drift run spent its time, from {@code drift-repair}'s history: its Scan activity (the list and
   * the DB), and its repair activities (the executors' describes and writes), scheduled to completed.
   */
  static String activityTimes() {
    ActivityTimeline history = ActivityTimeline.of(Names.DRIFT_REPAIR_WORKFLOW_ID);
    List<ActivityTimeline.Span> scans = history.ofType("Scan").spans();
    ActivityTimeline.Span scan = scans.get(scans.size() - 1);
    ActivityTimeline repairs = history.since(scan.scheduled()).ofType("RepairIntegrations");
    return "scan activity " + (scan.closed() - scan.scheduled()) + " ms, repairs " + repairs.extent() + " ms";
  }

  /** Drifts {@code count} Schedules spread over the set (the {@code round}-th of each stride), kinds in turn. */
  static void drift(ScheduleClient client, List<DesiredSchedule> desired, int count, int round) {
    int stride = desired.size() / count;
    for (int i = 0; i < count; i++) {
      String scheduleId = desired.get(i * stride + round).scheduleId();
      switch (i % 3) {
        case 0 -> client.getHandle(scheduleId).update(in -> {
          Schedule s = in.getDescription().getSchedule();
          return new ScheduleUpdate(Schedule.newBuilder(s)
              .setSpec(ScheduleSpec.newBuilder(s.getSpec())
                  .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofMinutes(7)))).build())
              .build());
        });
        case 1 -> client.getHandle(scheduleId).unpause("bench: drift behind syncplane's back");
        default -> client.getHandle(scheduleId).delete();
      }
    }
  }

  /** Waits until Temporal's list shows exactly {@code expected} of the set out of sync (deleted ones count). */
  static void awaitListShows(ScheduleClient client, String integrationId, List<DesiredSchedule> desired, int expected) {
    Map<String, DesiredSchedule> byId = new HashMap<>();
    desired.forEach(d -> byId.put(d.scheduleId(), d));
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    int wrong = -1;
    while (System.nanoTime() < deadline) {
      List<ScheduleListDescription> listed = new ArrayList<>();
      try (Stream<ScheduleListDescription> all = client.listSchedules(Names.schedulesOfIntegrationQuery(integrationId), 1000)) {
        all.forEach(listed::add);
      }
      wrong = desired.size() - listed.size();
      for (ScheduleListDescription d : listed) {
        DesiredSchedule want = byId.get(d.getScheduleId());
        if (want == null || !ScheduleClassifier.classify(want, Optional.of(ActualSchedule.of(d))).inSync()) {
          wrong++;
        }
      }
      if (wrong == expected) {
        return;
      }
      Bench.pause(500);
    }
    throw new IllegalStateException("the list showed " + wrong + " Schedules out of sync, not " + expected);
  }

  static boolean describeAndRepairRetried(ScheduleClient client, DesiredSchedule d) {
    boolean[] repaired = {false};
    ScheduleLoop.retried(() -> repaired[0] = describeAndRepair(client, d));
    return repaired[0];
  }

  /** The baseline's step: describe, compare with the DB, repair if it differs. True if it repaired. */
  static boolean describeAndRepair(ScheduleClient client, DesiredSchedule d) {
    Optional<ScheduleDescription> described;
    try {
      described = Optional.of(client.getHandle(d.scheduleId()).describe());
    } catch (RuntimeException e) {
      if (!ScheduleGateway.isNotFound(e)) {
        throw e;
      }
      described = Optional.empty();
    }
    Verdict verdict = ScheduleClassifier.classify(d, described.map(x -> ActualSchedule.of(d.scheduleId(), x)));
    if (verdict.inSync()) {
      return false;
    }
    if (verdict.state() == State.MISSING) {
      client.createSchedule(d.scheduleId(), d.toSchedule(),
          ScheduleOptions.newBuilder().setTypedSearchAttributes(d.searchAttributes()).build());
    } else {
      client.getHandle(d.scheduleId()).update(in -> new ScheduleUpdate(d.toSchedule(), d.searchAttributes()));
    }
    return true;
  }
}
