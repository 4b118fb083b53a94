package dev.syncplane.db;

import dev.syncplane.core.SyncRun;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(SyncRun.class)
public interface SyncRunDao {

  /** One row per workflow run: recording the same run again (an activity retry) changes nothing. */
  @SqlUpdate(
      "INSERT INTO sync_runs (connection_id, integration_id, workflow_id, run_id, config_version,"
          + " scheduled_at, started_at, finished_at, status, records, error)"
          + " VALUES (:connectionId, :integrationId, :workflowId, :runId, :configVersion,"
          + " :scheduledAt, :startedAt, :finishedAt, :status, :records, :error)"
          + " ON CONFLICT (run_id) DO NOTHING")
  int record(
      @Bind("connectionId") String connectionId,
      @Bind("integrationId") String integrationId,
      @Bind("workflowId") String workflowId,
      @Bind("runId") String runId,
      @Bind("configVersion") Long configVersion,
      @Bind("scheduledAt") Instant scheduledAt,
      @Bind("startedAt") Instant startedAt,
      @Bind("finishedAt") Instant finishedAt,
      @Bind("status") String status,
      @Bind("records") long records,
      @Bind("error") String error);

  @SqlQuery(
      "SELECT * FROM sync_runs WHERE connection_id = :connectionId ORDER BY started_at DESC, id DESC LIMIT :limit")
  List<SyncRun> recent(@Bind("connectionId") String connectionId, @Bind("limit") int limit);

  @SqlUpdate("DELETE FROM sync_runs WHERE connection_id IN (<ids>)")
  int deleteForConnections(@BindList("ids") List<String> connectionIds);

  @SqlUpdate("DELETE FROM sync_runs WHERE integration_id = :integrationId")
  int deleteForIntegration(@Bind("integrationId") String integrationId);
}
