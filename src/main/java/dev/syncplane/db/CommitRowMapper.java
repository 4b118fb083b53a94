package dev.syncplane.db;

import dev.syncplane.core.Commit;
import dev.syncplane.core.FieldChange;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The row of {@link CommitDao#commitNew}: the integration as committed, then the columns of the run that
 * records it, prefixed {@code u_}. By hand, because a PUT waits for it: a {@code ConstructorMapper} matches the
 * columns to the record's parameters anew for every statement, which cost as much as running the statement.
 */
public class CommitRowMapper implements RowMapper<Commit> {
  @Override
  public Commit map(ResultSet rs, StatementContext ctx) throws SQLException {
    Integration integration = new Integration(
        rs.getString("id"),
        rs.getString("provider"),
        rs.getString("name"),
        rs.getLong("period_ms"),
        rs.getBoolean("sync_enabled"),
        rs.getLong("version"),
        IntegrationState.valueOf(rs.getString("state")),
        instant(rs, "created_at"),
        instant(rs, "updated_at"));
    UpdateRun run = new UpdateRun(
        rs.getString("u_id"),
        rs.getString("u_integration_id"),
        UpdateKind.valueOf(rs.getString("u_kind")),
        rs.getLong("u_version"),
        UpdateState.valueOf(rs.getString("u_state")),
        rs.getString("u_idempotency_key"),
        rs.getInt("u_schedules_total"),
        rs.getInt("u_schedules_applied"),
        rs.getString("u_workflow_id"),
        rs.getString("u_run_id"),
        instant(rs, "u_created_at"),
        instant(rs, "u_finished_at"));
    Integration before = new Integration(
        integration.id(),
        integration.provider(),
        rs.getString("o_name"),
        rs.getLong("o_period_ms"),
        rs.getBoolean("o_sync_enabled"),
        integration.version() - 1,
        integration.state(),
        integration.createdAt(),
        integration.updatedAt());
    return new Commit(integration, run, false, FieldChange.between(before, integration));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
