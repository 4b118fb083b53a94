package dev.syncplane.api;

import dev.syncplane.core.SyncRun;
import java.time.Instant;

/** One sync run of a connection; {@code temporalUiUrl} opens that run in the Temporal UI. */
public record SyncRunView(
    long id,
    String connectionId,
    String integrationId,
    String workflowId,
    String runId,
    Long configVersion,
    Instant scheduledAt,
    Instant startedAt,
    Instant finishedAt,
    String status,
    long records,
    String error,
    String temporalUiUrl) {

  public static SyncRunView of(SyncRun r, String temporalUiUrl) {
    return new SyncRunView(
        r.id(), r.connectionId(), r.integrationId(), r.workflowId(), r.runId(), r.configVersion(), r.scheduledAt(),
        r.startedAt(), r.finishedAt(), r.status(), r.records(), r.error(), temporalUiUrl);
  }
}
