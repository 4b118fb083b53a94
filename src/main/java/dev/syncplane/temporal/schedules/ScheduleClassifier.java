package dev.syncplane.temporal.schedules;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.sync.SyncConnectionWorkflow;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleSpec;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one comparison of a connection's desired Schedule (from the DB) with what Temporal holds. Drift
 * repair, {@code GET …/status} and the {@code out-of-sync} command all classify with it.
 */
public final class ScheduleClassifier {
  private static final String WORKFLOW_TYPE = SyncConnectionWorkflow.class.getSimpleName();

  private ScheduleClassifier() {}

  public enum State {
    IN_SYNC,
    /** Carries an older config version: an update has not reached it yet (or never will: then repair). */
    STALE,
    MISSING,
    /** Differs from the config of the version it carries (or carries no or a forged version): edited behind our back. */
    DRIFTED
  }

  /** @param kinds empty for IN_SYNC; {VERSION} for STALE; {MISSING} for MISSING; what differs for DRIFTED */
  public record Verdict(State state, Set<DriftKind> kinds) {
    public boolean inSync() {
      return state == State.IN_SYNC;
    }
  }

  public static Verdict classify(DesiredSchedule desired, Optional<ActualSchedule> actual) {
    if (actual.isEmpty()) {
      return new Verdict(State.MISSING, EnumSet.of(DriftKind.MISSING));
    }
    ActualSchedule a = actual.get();
    long want = desired.version();
    if (a.version() > 0 && a.version() < want) {
      return new Verdict(State.STALE, EnumSet.of(DriftKind.VERSION));
    }
    Set<DriftKind> kinds = EnumSet.noneOf(DriftKind.class);
    if (a.version() != want) {
      kinds.add(DriftKind.VERSION);
    }
    if (!intervalIs(a.spec(), Duration.ofMillis(desired.config().periodMs()))) {
      kinds.add(DriftKind.INTERVAL);
    }
    if (a.paused() != !desired.config().syncEnabled()) {
      kinds.add(DriftKind.PAUSED);
    }
    if (!actionMatches(desired, a)) {
      kinds.add(DriftKind.ACTION);
    }
    if (!ownAttributesMatch(desired, a)) {
      kinds.add(DriftKind.ATTRIBUTES);
    }
    return kinds.isEmpty() ? new Verdict(State.IN_SYNC, kinds) : new Verdict(State.DRIFTED, kinds);
  }

  private static boolean intervalIs(ScheduleSpec spec, Duration every) {
    if (spec == null) {
      return false;
    }
    List<ScheduleIntervalSpec> intervals = spec.getIntervals();
    return intervals != null
        && intervals.size() == 1
        && every.equals(intervals.get(0).getEvery())
        && (intervals.get(0).getOffset() == null || intervals.get(0).getOffset().isZero())
        && isEmpty(spec.getCalendars())
        && isEmpty(spec.getCronExpressions());
  }

  /**
   * The Schedule's own search attributes, which a list or a visibility query sees: they must name its
   * integration, its customer and the version it carries. The same check from a list entry and from a describe.
   */
  private static boolean ownAttributesMatch(DesiredSchedule desired, ActualSchedule a) {
    return desired.connection().integrationId().equals(a.integrationIdAttribute())
        && desired.connection().customerId().equals(a.customerIdAttribute())
        && a.scheduleVersion() == a.version();
  }

  /** A list entry shows only the workflow type; a describe shows everything the action holds. */
  private static boolean actionMatches(DesiredSchedule desired, ActualSchedule a) {
    if (!WORKFLOW_TYPE.equals(a.workflowType())) {
      return false;
    }
    if (a.fromList()) {
      return true;
    }
    String integrationId = desired.connection().integrationId();
    String customerId = desired.connection().customerId();
    return a.argumentsReadable()
        && desired.syncRequest().equals(a.arguments())
        && Names.SYNC_TASK_QUEUE.equals(a.taskQueue())
        && Names.syncWorkflowId(integrationId, customerId).equals(a.workflowId());
  }

  private static boolean isEmpty(List<?> l) {
    return l == null || l.isEmpty();
  }
}
