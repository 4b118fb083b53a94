package dev.syncplane.db;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Drift-repair reports, stored as JSON (the report's shape belongs to temporal/drift). */
public interface DriftReportDao {

  /** Idempotent per scan: a retried activity stores nothing twice. Returns 0 when already stored. */
  @SqlUpdate(
      "INSERT INTO drift_reports (scan_id, trigger, started_at, finished_at, repaired, report)"
          + " VALUES (:scanId, :trigger, :startedAt, :finishedAt, :repaired, CAST(:report AS jsonb))"
          + " ON CONFLICT (scan_id) DO NOTHING")
  int insert(
      @Bind("scanId") String scanId,
      @Bind("trigger") String trigger,
      @Bind("startedAt") Instant startedAt,
      @Bind("finishedAt") Instant finishedAt,
      @Bind("repaired") int repaired,
      @Bind("report") String reportJson);

  @SqlQuery("SELECT report::text FROM drift_reports ORDER BY finished_at DESC, created_at DESC LIMIT 1")
  Optional<String> latest();
}
