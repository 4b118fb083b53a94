package dev.syncplane.db;

import dev.syncplane.core.Commit;
import dev.syncplane.core.IntegrationChange;
import java.util.Optional;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.sqlobject.config.UseTemplateEngine;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

/**
 * The statement every PUT waits for, in a SqlObject of its own: an on-demand SqlObject is attached anew for every
 * call, at a cost that grows with its methods (attaching {@link UpdateRunDao} took as long as running this). The
 * whole commit, replays and refusals included, is {@link UpdateRunDao#commitChange}.
 */
public interface CommitDao {

  /**
   * A new change in one statement, so in one round trip and its own transaction: lock the active integration
   * (at the expected version, if one is given), record the run at the next version unless its id or its
   * Idempotency-Key is already recorded, and write the change at that version; the settings as they were come
   * back too. Empty if it wrote nothing.
   */
  @SqlQuery(
      "WITH locked AS ("
          + "  SELECT id, version, name, period_ms, sync_enabled FROM integrations WHERE id = :integrationId AND state = 'ACTIVE'"
          + "  AND (CAST(:expectedVersion AS bigint) IS NULL OR version = :expectedVersion) FOR UPDATE"
          + "), recorded AS ("
          + "  INSERT INTO update_runs (id, integration_id, kind, version, state, idempotency_key, workflow_id, run_id)"
          + "  SELECT :updateId, id, 'CHANGE', version + 1, 'COMMITTED', :idempotencyKey, :workflowId, :runId FROM locked"
          + "  ON CONFLICT DO NOTHING RETURNING *"
          + "), committed AS ("
          + "  UPDATE integrations i SET name = COALESCE(CAST(:change.name AS text), i.name),"
          + "  period_ms = COALESCE(CAST(:change.periodMs AS bigint), i.period_ms),"
          + "  sync_enabled = COALESCE(CAST(:change.syncEnabled AS boolean), i.sync_enabled),"
          + "  version = recorded.version, updated_at = now()"
          + "  FROM recorded WHERE i.id = recorded.integration_id RETURNING i.*"
          + ")"
          + " SELECT c.*, r.id AS u_id, r.integration_id AS u_integration_id, r.kind AS u_kind, r.version AS u_version,"
          + " r.state AS u_state, r.idempotency_key AS u_idempotency_key, r.schedules_total AS u_schedules_total,"
          + " r.schedules_applied AS u_schedules_applied, r.workflow_id AS u_workflow_id, r.run_id AS u_run_id,"
          + " r.created_at AS u_created_at, r.finished_at AS u_finished_at,"
          + " l.name AS o_name, l.period_ms AS o_period_ms, l.sync_enabled AS o_sync_enabled"
          + " FROM committed c JOIN recorded r ON r.integration_id = c.id JOIN locked l ON l.id = c.id")
  @UseRowMapper(CommitRowMapper.class)
  @UseTemplateEngine(NoTemplateEngine.class) // nothing to render: spare parsing it for every commit
  Optional<Commit> commitNew(
      @Bind("updateId") String updateId,
      @Bind("integrationId") String integrationId,
      @BindMethods("change") IntegrationChange change,
      @Bind("expectedVersion") Long expectedVersion,
      @Bind("idempotencyKey") String idempotencyKey,
      @Bind("workflowId") String workflowId,
      @Bind("runId") String runId);

}
