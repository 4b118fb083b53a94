package dev.syncplane;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.syncplane.temporal.TemporalFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

public class SyncplaneConfiguration extends Configuration {

  @Valid @NotNull @JsonProperty public DataSourceFactory database = new DataSourceFactory();

  @Valid @NotNull @JsonProperty public TemporalFactory temporal = new TemporalFactory();

  @Valid @NotNull @JsonProperty public Api api = new Api();

  @Valid @NotNull @JsonProperty public FanOut fanOut = new FanOut();

  @Valid @NotNull @JsonProperty public DriftRepair driftRepair = new DriftRepair();

  /** The providers an Integration may name; each is served by the simulated connector until a real one exists. */
  @NotEmpty @JsonProperty
  public List<String> providers = List.of("salesforce", "hubspot", "zendesk", "stripe", "github");

  /** Upper bound of the simulated connector's made-up latency. */
  @Min(0) @JsonProperty public long simulatedSyncMaxLatencyMs = 200;

  public static class Api {
    /** The bearer token every /api call must carry. */
    @NotEmpty @JsonProperty public String token;

    /** The smallest periodMs an Integration may have. */
    @Min(1000) @JsonProperty public long minPeriodMs = 60_000;

    /** How long PUT/PATCH wait for the DB commit before answering 202. */
    @Min(0) @Max(60_000) @JsonProperty public long updateWaitMs = 5_000;

    /**
     * Updates (changes, connects, disconnects, repairs) one replica sends to one integration's workflow at once;
     * more wait in line in the replica. Temporal admits 10 per workflow execution (history.maxInFlightUpdates)
     * and turns the rest away: with N replicas, keep N times this at most 10.
     */
    @Min(1) @Max(10) @JsonProperty public int updatesInFlightPerIntegration = 4;

    /** Larger request bodies are refused with 413. */
    @Min(256) @JsonProperty public int maxBodyBytes = 64 * 1024;

    @Min(1) @Max(1000) @JsonProperty public int maxPageSize = 200;
  }

  /**
   * The drift-repair workflow. Its Schedule RPCs share {@code fanOut.scheduleRpcPerSecond} with fan-out,
   * connect and delete: one budget for every Schedule call of every replica in the namespace.
   */
  public static class DriftRepair {
    /** Start {@code drift-repair} at boot if it is not running. */
    @JsonProperty public boolean enabled = true;

    /**
     * How often each replica checks that {@code drift-repair} runs and starts it again if not (for
     * example after someone terminated it). Idempotent: one start call with USE_EXISTING.
     */
    @NotNull @JsonProperty public io.dropwizard.util.Duration ensureRunningEvery = io.dropwizard.util.Duration.minutes(1);

    /** Time between two periodic runs. */
    @NotNull @JsonProperty public io.dropwizard.util.Duration interval = io.dropwizard.util.Duration.minutes(5);

    /**
     * Every Nth periodic run is deep (describes every Schedule, the only way to see the action's
     * arguments, workflow id and task queue); the others are list-based (describe only the Schedules the
     * list shows as drifted, missing or orphaned). 1 = every run is deep; 0 = only on demand. 12: with
     * the 5-minute interval, action edits are repaired within an hour, everything else within one
     * interval, without N describes every interval.
     */
    @Min(0) @JsonProperty public int deepScanEvery = 12;

    /** Page size for the DB and for ListSchedules. */
    @Min(1) @Max(1000) @JsonProperty public int pageSize = 500;

    /** Schedule ids listed per kind of drift in a report. */
    @Min(0) @Max(10_000) @JsonProperty public int maxIdsInReport = 50;

    /** How long POST /api/v1/drift-repair waits for the report before answering 202. */
    @Min(0) @Max(300_000) @JsonProperty public long apiWaitMs = 30_000;
  }

  public static class FanOut {
    /** Schedule writes in flight at once, across all integrations of this replica. */
    @Min(1) @Max(256) @JsonProperty public int parallelism = 16;

    /** Connections per fan-out activity; bounds the history of UpdateIntegrationWorkflow workflow. */
    @Min(1) @Max(5_000) @JsonProperty public int batchSize = 500;

    /**
     * Budget for Schedule RPCs per second (fan-out, connect, delete, repair, status together), the Temporal
     * namespace's total over every replica, shared through PostgreSQL (ADR 0008); 0 = unbounded.
     */
    @Min(0) @JsonProperty public double scheduleRpcPerSecond = 0;

    /**
     * The least spacing between the starts of two passes over an integration's Schedules: the changes that commit
     * meanwhile coalesce into the next pass, which writes only the newest. The spacing is twice the last pass's
     * duration, at least this and at most {@code maxPassIntervalMs}: a lone change propagates at once, a small
     * integration's burst rewrites each Schedule about once per this interval, a large one's once per two passes.
     * 0: every change starts a pass as soon as the one under way ends (and twice its duration has passed).
     */
    @Min(0) @Max(60_000) @JsonProperty public long minPassIntervalMs = 1_000;

    /**
     * The most spacing between the starts of two passes (a smaller value counts as {@code minPassIntervalMs}), however
     * long the last pass took. A hot integration's Schedules then trail its row by at most the larger of this and a
     * pass, plus a pass.
     */
    @Min(0) @Max(300_000) @JsonProperty public long maxPassIntervalMs = 10_000;

    /** An UpdateIntegrationWorkflow run with nothing to do ends after this long; the next request starts a new run. */
    @Min(1_000) @JsonProperty public long idleTimeoutMs = 60_000;
  }
}
