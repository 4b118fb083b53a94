package dev.syncplane.bench;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Target 1: from the PUT until every Schedule carries the new version (the update run APPLIED, then
 * checked in Temporal's Schedule list), against the raw floor (N bare UpdateSchedule calls at the
 * fan-out's concurrency) and the naive sequential loop (the SDK's ScheduleHandle.update, one at a time). The baselines write a twin set of N Schedules (another integration,
 * created the same way), so that each side writes a new version and each waits until Temporal's list
 * shows it before the other starts: neither runs while the server still digests the other's writes.
 * Floor and syncplane take turns to go first; the median of the runs counts (nearest rank: of two, the faster).
 */
final class Propagation {
  static final int TARGET_N = 1_000;

  static void run(Bench b) {
    Fleet fleet = b.fleet();
    for (int n : b.sizes.propagation()) {
      String id = "prop-" + n + "-" + Bench.suffix();
      String twin = id + "-baseline";
      Duration patience = Duration.ofSeconds(120 + n / 10);
      long t = System.nanoTime();
      fleet.create(id, n, patience);
      Bench.log(id + ": " + n + " Schedules created through the first PUT in " + fmt(Bench.seconds(System.nanoTime() - t)) + " s");
      fleet.create(twin, n, patience);
      long twinVersion = fleet.integrations().find(twin).orElseThrow().version();

      // Floor and syncplane take turns to go first (ABBA...): whichever runs second meets a server that has just
      // digested N more updates. Two runs each past N=1,000, so that neither side is always second.
      int reps = n <= 1_000 ? 5 : 2;
      List<Double> floor = new ArrayList<>(), floorListed = new ArrayList<>();
      List<Double> syncplane = new ArrayList<>(), syncplaneListed = new ArrayList<>();
      Duration listPatience = Duration.ofSeconds(180 + n / 20);
      for (int rep = 0; rep < reps; rep++) {
        boolean floorFirst = rep % 2 == 0;
        String pass = "";
        for (boolean floorTurn : new boolean[] {floorFirst, !floorFirst}) {
          if (floorTurn) {
            twinVersion++;
            List<DesiredSchedule> next = fleet.desiredAt(twin, twinVersion);
            long start = System.nanoTime();
            floor.add(Bench.seconds(b.loop.updateRaw(next, b.parallelism)));
            floorListed.add(Bench.seconds(fleet.awaitListedAt(twin, twinVersion, n, listPatience) - start));
          } else {
            long sentAt = System.currentTimeMillis();
            Fleet.Put put = fleet.put(id);
            long applied = fleet.awaitApplied(id, put.updateId(), patience);
            syncplane.add(Bench.seconds(applied - put.sentNanos()));
            syncplaneListed.add(Bench.seconds(fleet.awaitListedAt(id, put.version(), n, listPatience) - put.sentNanos()));
            pass = ActivityTimeline.of(Names.updateWorkflowId(id)).since(sentAt).describe(sentAt);
          }
        }
        Bench.log(id + " rep " + rep + " (" + (floorFirst ? "floor" : "syncplane") + " first): floor " + fmt(floor.get(rep))
            + " s (listed " + fmt(floorListed.get(rep)) + " s), syncplane " + fmt(syncplane.get(rep)) + " s (listed "
            + fmt(syncplaneListed.get(rep)) + " s); its pass, ms after the PUT: " + pass);
      }
      // The sequential loop's time swings with the server's describe latency (3x between runs at N=1,000): the
      // median of 3 runs, each once the list shows the one before, up to N=1,000.
      int sequentialRuns = n <= TARGET_N ? 3 : 1;
      List<Double> sequentialTimes = new ArrayList<>();
      for (int run = 0; run < sequentialRuns; run++) {
        twinVersion++;
        sequentialTimes.add(Bench.seconds(b.loop.updateWithSdk(fleet.desiredAt(twin, twinVersion), 1)));
        if (run + 1 < sequentialRuns) {
          fleet.awaitListedAt(twin, twinVersion, n, listPatience);
        }
      }
      double sequential = Bench.median(sequentialTimes);
      Bench.log(id + ": sequential " + sequentialTimes + " s, median " + fmt(sequential) + " s");

      String name = "N=" + n + ": PUT until every Schedule carries it";
      double s = Bench.median(syncplane), f = Bench.median(floor);
      String note = reps + " run(s), each side first in turn, median; floor = " + n + " UpdateSchedule calls, " + b.parallelism + " in flight";
      Figure vsFloor = Figure.atMost("propagation", name, s, "s", "raw floor", f, 1.5, note);
      Figure vsSequential = Figure.fasterBy(
          "propagation", "N=" + n + ": against the naive sequential loop", s, "s", "sequential loop", sequential, 5,
          sequentialRuns + " run(s), median; the naive loop: the SDK's ScheduleHandle.update (describe, then update), one at a time");
      String why = "set at N=" + TARGET_N;
      b.figures.add(n == TARGET_N ? vsFloor : vsFloor.informational(why));
      b.figures.add(n == TARGET_N ? vsSequential : vsSequential.informational(why));
      b.figures.add(Figure.info("propagation", "N=" + n + ": until Temporal's list shows every Schedule at it",
          Bench.median(syncplaneListed), "s", "raw floor, until listed", Bench.median(floorListed),
          "the server applies each update to the Schedule's workflow after the call returns, and indexes it after that"));
      fleet.delete(twin, patience);
      if (n == b.sizes.drift()) {
        b.kept.put("drift", id);
      } else {
        fleet.delete(id, patience);
      }
    }
  }

  static String fmt(double v) {
    return Figure.fmt(v);
  }
}
