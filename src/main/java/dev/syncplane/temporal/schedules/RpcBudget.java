package dev.syncplane.temporal.schedules;

import dev.syncplane.db.ScheduleRpcLedger;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fanOut.scheduleRpcPerSecond}: a strict pacer on a timeline of slots, one every 1/budget s. Each permit is
 * one slot; a caller waits for its slot, and a slot that passes unused is gone, so nothing is saved up while idle
 * and no window of time sees more than the budget (plus the one call that opens it). Guava's RateLimiter stores a
 * second of unused permits and lets them out in a burst, which shows as 20% over the budget in a 5-second window
 * after an idle spell: over a namespace's limit (ADR 0006).
 *
 * <p>Where the slots come from is the {@link Timeline}. {@link #namespaceWide} takes them from the namespace's
 * timeline in PostgreSQL ({@link ScheduleRpcLedger}), shared by every replica and the operator commands, in runs of
 * a quarter second's worth, so the budget is the namespace's total however many replicas run, at a few statements
 * per second (ADR 0008). {@link #perProcess} keeps the timeline in this process (tests, tools without a database).
 */
public final class RpcBudget {
  private static final Logger LOG = LoggerFactory.getLogger(RpcBudget.class);

  /** A namespace-wide budget reserves this much of the timeline at a time (a run of slots). */
  static final Duration RUN = Duration.ofMillis(250);
  /** How long {@link #acquire} goes on asking an unreachable timeline (PostgreSQL down) before it throws. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Where the slots come from. */
  @FunctionalInterface
  public interface Timeline {
    /**
     * Reserves {@code slots} consecutive slots, {@code nanosPerSlot} apart, none of them earlier than now or
     * held by anyone else, and returns how long from now until the first of them, in nanoseconds.
     */
    long reserve(int slots, long nanosPerSlot);
  }

  private final long nanosPerPermit;
  private final int slotsPerRun;
  private final Timeline timeline;
  private final long patienceNanos;
  private final ReentrantLock lock = new ReentrantLock(true);
  // guarded by lock: the slots reserved and not yet handed out, the first at nextSlot (System.nanoTime())
  private long nextSlot;
  private int slotsLeft;
  // guarded by lock: while the timeline cannot be reached, when to ask it next, and its last failure
  private long retryAt;
  private int failures;
  private RuntimeException lastFailure;

  RpcBudget(double perSecond, int slotsPerRun, Timeline timeline, Duration patience) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("a budget is more than 0 RPCs per second: " + perSecond);
    }
    this.nanosPerPermit = (long) Math.ceil(1_000_000_000L / perSecond);
    this.slotsPerRun = Math.max(1, slotsPerRun);
    this.timeline = timeline;
    this.patienceNanos = patience.toNanos();
  }

  /** The budget for this process alone: one slot at a time from a timeline in memory (as before ADR 0008). */
  public static RpcBudget perProcess(double perSecond) {
    return new RpcBudget(perSecond, 1, new InProcessTimeline(), PATIENCE);
  }

  /**
   * The budget for the whole namespace, shared with every process that reserves from {@code ledger} under the same
   * namespace name: runs of {@link #RUN} worth of slots from the namespace's timeline in PostgreSQL.
   */
  public static RpcBudget namespaceWide(double perSecond, ScheduleRpcLedger ledger, String namespace) {
    return new RpcBudget(perSecond, slotsPerRun(perSecond), shared(ledger, namespace), PATIENCE);
  }

  /** The slots of {@link #RUN} at {@code perSecond}, at least one: 3 at 10/s, 5 at 20/s. */
  static int slotsPerRun(double perSecond) {
    return (int) Math.max(1, Math.round(perSecond * RUN.toNanos() / 1e9));
  }

  /** The namespace's timeline in PostgreSQL, as a {@link Timeline}. */
  static Timeline shared(ScheduleRpcLedger ledger, String namespace) {
    return (slots, nanosPerSlot) -> {
      long microsPerSlot = (nanosPerSlot + 999) / 1000; // rounded up: never faster than the budget
      return TimeUnit.MICROSECONDS.toNanos(Math.max(0, ledger.reserve(namespace, slots * microsPerSlot)));
    };
  }

  /**
   * Waits for {@code permits} consecutive slots (the call goes at the first of them; the others hold back the next
   * caller). An interrupted wait (a cancelled activity) throws; so does a timeline that could not be reached for
   * {@link #PATIENCE} (PostgreSQL down): with its last failure, which the callers' retries and answers know.
   */
  public void acquire(int permits) {
    long asked = System.nanoTime();
    long at;
    try {
      if (!lock.tryLock(patienceNanos, TimeUnit.NANOSECONDS)) {
        throw unreachable(null);
      }
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
    try {
      long now = System.nanoTime();
      dropPassedSlots(now);
      if (slotsLeft < permits) {
        slotsLeft = 0; // too few for this call (several permits): dropped, a new run is contiguous
        int slots = Math.max(slotsPerRun, permits);
        long firstIn = reserve(slots, asked);
        nextSlot = System.nanoTime() + firstIn;
        slotsLeft = slots;
      }
      at = nextSlot;
      nextSlot += permits * nanosPerPermit;
      slotsLeft -= permits;
    } finally {
      lock.unlock();
    }
    sleepUntil(at);
  }

  /** A slot more than one slot in the past was not used in time: it is gone, not saved up. */
  private void dropPassedSlots(long now) {
    long late = now - nanosPerPermit - nextSlot;
    if (slotsLeft > 0 && late > 0) {
      long passed = Math.min(slotsLeft, (late + nanosPerPermit - 1) / nanosPerPermit);
      nextSlot += passed * nanosPerPermit;
      slotsLeft -= (int) passed;
    }
  }

  /** Asks the timeline, again and again (100 ms to 1 s apart) while it cannot be reached, until the caller's patience is spent. */
  private long reserve(int slots, long asked) {
    while (true) {
      long now = System.nanoTime();
      if (failures > 0 && retryAt - now > 0) {
        if (retryAt - asked > patienceNanos) {
          throw unreachable(lastFailure);
        }
        sleepUntil(retryAt);
      }
      try {
        long firstIn = timeline.reserve(slots, nanosPerPermit);
        if (failures > 0) {
          LOG.info("the Schedule RPC budget's timeline answers again after {} failed attempts", failures);
        }
        failures = 0;
        lastFailure = null;
        return firstIn;
      } catch (RuntimeException e) {
        if (failures++ == 0) {
          LOG.warn("cannot reserve Schedule RPC budget (PostgreSQL down?); the Schedule RPCs wait and it is asked again", e);
        }
        lastFailure = e;
        retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(1000, 100L << Math.min(failures - 1, 4)));
        if (retryAt - asked > patienceNanos) {
          throw e;
        }
      }
    }
  }

  private RuntimeException unreachable(RuntimeException last) {
    if (last != null) {
      return last;
    }
    return new IllegalStateException("no Schedule RPC budget within " + Duration.ofNanos(patienceNanos)
        + ": its timeline (PostgreSQL) cannot be reached");
  }

  private static void sleepUntil(long at) {
    long wait = at - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        throw interrupted(e);
      }
    }
  }

  private static IllegalStateException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new IllegalStateException("interrupted while waiting for the Schedule RPC budget", e);
  }

  /** A timeline in this process: the next free slot, never earlier than now. */
  static final class InProcessTimeline implements Timeline {
    private long nextFree = System.nanoTime();

    @Override
    public synchronized long reserve(int slots, long nanosPerSlot) {
      long now = System.nanoTime();
      long start = Math.max(nextFree, now);
      nextFree = start + slots * nanosPerSlot;
      return start - now;
    }
  }
}
