package dev.syncplane.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.syncplane.temporal.drift.DriftReport;
import dev.syncplane.temporal.schedules.DriftKind;
import java.time.Duration;
import java.util.Locale;

/**
 * The one place that names syncplane's Dropwizard metrics. They live in the application's
 * {@link MetricRegistry} ({@code environment.metrics()}), so they show on the admin port at
 * {@code /metrics} (JSON) and {@code /metrics/prometheus} (Prometheus text, dots become underscores).
 */
public final class SyncplaneMetrics {
  /** PUT/PATCH: from UpdateIntegrationWorkflow call to the answer (committed, or the bounded wait ran out). */
  public static final String UPDATE_ACCEPT = "syncplane.update.accept";
  /** A change's commit to the moment every Schedule of the integration carries it (update run APPLIED). */
  public static final String UPDATE_PROPAGATION = "syncplane.update.propagation";
  /** Schedules a fan-out batch actually wrote (updated or created); the rate is fan-out throughput. */
  public static final String FANOUT_SCHEDULES_WRITTEN = "syncplane.fanout.schedules-written";
  /** Schedules a fan-out batch looked at, written or already up to date. */
  public static final String FANOUT_SCHEDULES_CHECKED = "syncplane.fanout.schedules-checked";
  /** Sync runs recorded, one meter per status: {@code syncplane.sync.runs.succeeded}, {@code .failed}, {@code .skipped}. */
  public static final String SYNC_RUNS = "syncplane.sync.runs";
  /** How long a connector ran, for the runs that reached one. */
  public static final String SYNC_DURATION = "syncplane.sync.duration";

  /** Schedule RPCs sent to Temporal by this process, counted on the wire ({@link ScheduleRpcCounter}). */
  public static final String SCHEDULE_RPCS = "syncplane.temporal.schedule-rpcs";
  /**
   * Statements this process sent to reserve Schedule RPC budget from the namespace's timeline in PostgreSQL
   * (about four a second among all replicas while they use the whole budget; ADR 0008).
   */
  public static final String SCHEDULE_RPC_RESERVATIONS = "syncplane.temporal.schedule-rpc-reservations";

  /** Drift-repair runs finished. */
  public static final String DRIFT_SCANS = "syncplane.drift.scans";
  /** Schedules drift repair repaired, in all ({@code syncplane.drift.repaired}) and per kind ({@code .interval}, …). */
  public static final String DRIFT_REPAIRED = "syncplane.drift.repaired";
  /** Integrations whose repair failed in a run. */
  public static final String DRIFT_ERRORS = "syncplane.drift.errors";
  /** How long a drift-repair run took. */
  public static final String DRIFT_DURATION = "syncplane.drift.duration";

  /** The sync statuses registered up front, so a dashboard sees them at 0 before the first run. */
  private static final String[] SYNC_STATUSES = {"SUCCEEDED", "FAILED", "SKIPPED"};

  private final MetricRegistry registry;
  private final Timer updateAccept;
  private final Timer updatePropagation;
  private final Meter schedulesWritten;
  private final Meter schedulesChecked;
  private final Timer syncDuration;

  public SyncplaneMetrics(MetricRegistry registry) {
    this.registry = registry;
    this.updateAccept = registry.timer(UPDATE_ACCEPT);
    this.updatePropagation = registry.timer(UPDATE_PROPAGATION);
    this.schedulesWritten = registry.meter(FANOUT_SCHEDULES_WRITTEN);
    this.schedulesChecked = registry.meter(FANOUT_SCHEDULES_CHECKED);
    this.syncDuration = registry.timer(SYNC_DURATION);
    for (String status : SYNC_STATUSES) {
      syncRuns(status);
    }
    registry.meter(SCHEDULE_RPC_RESERVATIONS);
    registry.counter(DRIFT_SCANS);
    registry.counter(DRIFT_REPAIRED);
    registry.counter(DRIFT_ERRORS);
    registry.timer(DRIFT_DURATION);
    for (DriftKind kind : DriftKind.values()) {
      registry.counter(driftRepairedName(kind));
    }
  }

  /** The gRPC interceptor that counts Schedule RPCs into {@link #SCHEDULE_RPCS}. */
  public ScheduleRpcCounter scheduleRpcCounter() {
    return new ScheduleRpcCounter(registry.meter(SCHEDULE_RPCS));
  }

  /** Counts one statement that reserved Schedule RPC budget ({@link #SCHEDULE_RPC_RESERVATIONS}). */
  public void scheduleRpcReserved() {
    registry.meter(SCHEDULE_RPC_RESERVATIONS).mark();
  }

  public static String driftRepairedName(DriftKind kind) {
    return DRIFT_REPAIRED + "." + kind.name().toLowerCase(Locale.ROOT);
  }

  /** Counts one finished drift-repair run: its confirmed repairs per kind, its errors and its duration. */
  public void driftRun(DriftReport report) {
    registry.counter(DRIFT_SCANS).inc();
    registry.counter(DRIFT_REPAIRED).inc(report.repaired());
    for (DriftKind kind : DriftKind.values()) {
      registry.counter(driftRepairedName(kind)).inc(report.count(kind));
    }
    registry.counter(DRIFT_ERRORS).inc(report.errors().size());
    registry.timer(DRIFT_DURATION).update(Duration.ofMillis(report.durationMs()));
  }

  public static String syncRunsName(String status) {
    return SYNC_RUNS + "." + status.toLowerCase(Locale.ROOT);
  }

  public void updateAccepted(Duration latency) {
    updateAccept.update(latency);
  }

  public void updatePropagated(Duration commitToApplied) {
    updatePropagation.update(commitToApplied);
  }

  public void fanOutBatch(int checked, int written) {
    schedulesChecked.mark(checked);
    schedulesWritten.mark(written);
  }

  public void syncRun(String status, Duration connectorTime) {
    syncRuns(status).mark();
    if (connectorTime != null) {
      syncDuration.update(connectorTime);
    }
  }

  private Meter syncRuns(String status) {
    return registry.meter(syncRunsName(status));
  }
}
