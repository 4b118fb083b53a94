package dev.syncplane.bench;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Target 1: from the PUT until every Schedule carries the new version (the update run APPLIED, then
 * checked in Temporal's Schedule list), against the raw floor (N bare UpdateSchedule calls at the
 * fan-out's concurrency) and the naive sequential loop (the SDK's ScheduleHandle.update, one at a time), at every
 * size. The changes arrive as a portal sends them: one at a time, each {@link #THINK_TIME} after the one before
 * reached every Schedule, several in a row on the same integration (so the workflow's pass spacing is part of the
 * figure). The baselines write a twin set of N Schedules (another integration, created the same way), so that each
 * side writes a new version and each waits until Temporal's list shows it before the other starts: neither runs
 * while the server still digests the other's writes. Floor and syncplane take turns to go first; the median of the
 * runs counts (of two, their mean: {@link Bench#median}). At {@link #BURST_N}, a burst of {@link #BURST} changes within a
 * second, and the Schedule writes it cost ({@link PassWrites}).
 */
final class Propagation {
  /** The target at every N: at most this many times the raw floor, plus {@link #ALLOWANCE_S}. */
  static final double FLOOR_FACTOR = 1.5;
  /** What a PUT, its commit and the status read that finds it APPLIED cost beyond the writes: 100 ms. */
  static final double ALLOWANCE_S = 0.1;
  /** At least this much faster than the sequential loop, from {@link #SEQUENTIAL_FROM_N} up. */
  static final double SEQUENTIAL_FACTOR = 3;
  static final int SEQUENTIAL_FROM_N = 200;
  /** A portal user's pause between seeing a change applied and saving the next. */
  static final Duration THINK_TIME = Duration.ofSeconds(3);
  static final int BURST_N = 1_000;
  static final int BURST = 10;
  /** The burst's changes are sent this far apart: {@link #BURST} within one second. */
  static final long BURST_SPACING_MS = 100;

  /**
   * Passes the service runs, on an integration of {@link #WARM_UP_N} Schedules, before the first timed PUT; the
   * baselines' own calls are warmed the same way. A service that has been up a while has compiled its hot paths:
   * in a fresh JVM the first N=10 passes took 0.2 s, after a few hundred Schedule writes 0.1 s.
   */
  static final int WARM_UP_PASSES = 20;
  static final int WARM_UP_N = 100;

  static void run(Bench b) {
    Fleet fleet = b.fleet();
    warmUp(b, fleet);
    for (int n : b.sizes.propagation()) {
      long phaseStart = System.nanoTime();
      String id = "prop-" + n + "-" + Bench.suffix();
      String twin = id + "-baseline";
      Duration patience = Duration.ofSeconds(120 + n / 10);
      long t = System.nanoTime();
      fleet.create(id, n, patience);
      Bench.log(id + ": " + n + " Schedules created through the first PUT in " + fmt(Bench.seconds(System.nanoTime() - t)) + " s");
      fleet.create(twin, n, patience);
      long twinVersion = fleet.integrations().find(twin).orElseThrow().version();

      // Floor and syncplane take turns to go first (ABBA...): the dev server slows as updates accumulate, so the
      // order would otherwise favour whichever side always ran earlier. Two runs each past N=1,000, so that neither
      // side is always second.
      int reps = n <= 1_000 ? 5 : 2;
      List<Double> floor = new ArrayList<>(), floorListed = new ArrayList<>();
      List<Double> syncplane = new ArrayList<>(), syncplaneListed = new ArrayList<>();
      Duration listPatience = Duration.ofSeconds(180 + n / 20);
      long lastSeen = System.nanoTime(); // when the user last saw a change of theirs reach every Schedule
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
            Bench.pause(Math.max(0, (lastSeen + THINK_TIME.toNanos() - System.nanoTime()) / 1_000_000));
            long sentAt = System.currentTimeMillis();
            Fleet.Put put = fleet.put(id);
            long applied = fleet.awaitApplied(id, put.updateId(), patience);
            syncplane.add(Bench.seconds(applied - put.sentNanos()));
            lastSeen = fleet.awaitListedAt(id, put.version(), n, listPatience);
            syncplaneListed.add(Bench.seconds(lastSeen - put.sentNanos()));
            pass = ActivityTimeline.ofPasses(id, sentAt).describe(sentAt);
          }
        }
        Bench.log(id + " rep " + rep + " (" + (floorFirst ? "floor" : "syncplane") + " first): floor " + fmt(floor.get(rep))
            + " s (listed " + fmt(floorListed.get(rep)) + " s), syncplane " + fmt(syncplane.get(rep)) + " s (listed "
            + fmt(syncplaneListed.get(rep)) + " s); its pass, ms after the PUT: " + pass);
      }
      if (n == burstN(b.sizes.propagation())) {
        burst(b, fleet, id, n, patience, listPatience, Bench.median(floor));
      }
      // The sequential loop's time swings with the server's describe latency (3x between runs at N=1,000): the
      // median of 3 runs, each once the list shows the one before, up to N=1,000.
      int sequentialRuns = n <= 1_000 ? 3 : 1;
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

      double s = Bench.median(syncplane), f = Bench.median(floor);
      String note = reps + " run(s), each side first in turn, median; floor = " + n + " UpdateSchedule calls, "
          + b.parallelism + " in flight; syncplane's PUTs " + THINK_TIME.toSeconds() + " s after the last one was listed";
      b.figures.add(Figure.atMostPlus("propagation", "N=" + n + ": PUT until every Schedule carries it", s, "s", "raw floor", f,
          FLOOR_FACTOR, ALLOWANCE_S, note));
      Figure vsSequential = Figure.fasterBy(
          "propagation", "N=" + n + ": against the naive sequential loop", s, "s", "sequential loop", sequential, SEQUENTIAL_FACTOR,
          sequentialRuns + " run(s), median; the naive loop: the SDK's ScheduleHandle.update (describe, then update), one at a time");
      b.figures.add(n >= SEQUENTIAL_FROM_N ? vsSequential : vsSequential.informational("set from N=" + SEQUENTIAL_FROM_N));
      b.figures.add(Figure.info("propagation", "N=" + n + ": until Temporal's list shows every Schedule at it",
          Bench.median(syncplaneListed), "s", "raw floor, until listed", Bench.median(floorListed),
          "the server applies each update to the Schedule's workflow after the call returns, and indexes it after that"));
      fleet.delete(twin, patience);
      if (n == b.sizes.drift()) {
        b.kept.put("drift", id);
      } else {
        fleet.delete(id, patience);
      }
      Bench.log(id + ": N=" + n + " took " + fmt(Bench.seconds(System.nanoTime() - phaseStart)) + " s in all");
    }
  }

  /** Warms the service (passes) and this JVM (the floor's and the sequential loop's calls), untimed. */
  static void warmUp(Bench b, Fleet fleet) {
    long start = System.nanoTime();
    String id = "prop-warmup-" + Bench.suffix();
    String twin = id + "-baseline";
    Duration patience = Duration.ofSeconds(120);
    fleet.create(id, WARM_UP_N, patience);
    fleet.create(twin, WARM_UP_N, patience);
    long twinVersion = fleet.integrations().find(twin).orElseThrow().version();
    for (int i = 0; i < WARM_UP_PASSES; i++) {
      Fleet.Put put = fleet.put(id);
      fleet.awaitApplied(id, put.updateId(), patience);
      b.loop.updateRaw(fleet.desiredAt(twin, ++twinVersion), b.parallelism);
    }
    b.loop.updateWithSdk(fleet.desiredAt(twin, ++twinVersion), 1);
    fleet.delete(twin, patience);
    fleet.delete(id, patience);
    Bench.log("propagation: warmed up with " + WARM_UP_PASSES + " passes of " + WARM_UP_N + " Schedules in "
        + fmt(Bench.seconds(System.nanoTime() - start)) + " s");
    Bench.awaitQuiet("the first timed size");
  }

  /**
   * {@link #BURST} PUTs within a second to the same integration, each sent {@link #BURST_SPACING_MS} after the one
   * before, once the pass spacing since the last pass has run out: how often each Schedule was rewritten (target: at
   * most twice), and how long until the last change reached every Schedule.
   */
  /** {@link #BURST_N}, or the largest size below it that the run has (--quick, --propagation-sizes). */
  static int burstN(int[] sizes) {
    return java.util.Arrays.stream(sizes).filter(n -> n <= BURST_N).max().orElse(-1);
  }

  static void burst(Bench b, Fleet fleet, String id, int n, Duration patience, Duration listPatience, double floor) {
    Bench.pause(THINK_TIME.toMillis());
    long sentAt = System.currentTimeMillis();
    long version = fleet.integrations().find(id).orElseThrow().version();
    long start = System.nanoTime();
    Fleet.Put last = null;
    for (int i = 0; i < BURST; i++) {
      Bench.pause(Math.max(0, (start + i * BURST_SPACING_MS * 1_000_000 - System.nanoTime()) / 1_000_000));
      last = fleet.put(id, version);
      version = last.version();
    }
    double sendSeconds = Bench.seconds(last.answeredNanos() - start);
    double applied = Bench.seconds(fleet.awaitApplied(id, last.updateId(), patience) - last.sentNanos());
    double listed = Bench.seconds(fleet.awaitListedAt(id, last.version(), n, listPatience) - last.sentNanos());
    PassWrites writes = PassWrites.since(id, sentAt);
    String pass = ActivityTimeline.ofPasses(id, sentAt).describe(sentAt);
    Bench.log(id + ": burst of " + BURST + " PUTs answered within " + fmt(sendSeconds) + " s; " + writes.passes() + " passes, "
        + writes.writes() + " Schedule writes (" + writes.created() + " creates); the last change applied after "
        + fmt(applied) + " s, listed after " + fmt(listed) + " s; passes, ms after the first PUT: " + pass);
    double perSchedule = (double) writes.writes() / n;
    b.figures.add(new Figure("propagation", "N=" + n + ": a burst of " + BURST + " changes in 1 s, writes per Schedule",
        perSchedule, "writes", "the limit", 2, perSchedule / 2, "<= 2 writes per Schedule",
        writes.passes() <= 2 && perSchedule <= 2,
        writes.passes() + " passes (each writes a Schedule at most once), " + writes.writes() + " writes in all; the "
            + BURST + " PUTs answered within " + fmt(sendSeconds) + " s"));
    b.figures.add(Figure.info("propagation", "N=" + n + ": a burst of " + BURST + " changes, the last one's PUT until every Schedule carries it",
        applied, "s", "raw floor", floor, "the burst's passes coalesce the changes; listed after " + fmt(listed) + " s"));
  }

  static String fmt(double v) {
    return Figure.fmt(v);
  }
}
