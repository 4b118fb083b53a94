package dev.syncplane.db;

import dev.syncplane.core.ChangeRefused;
import dev.syncplane.core.ChangeRefused.Reason;
import dev.syncplane.core.Commit;
import dev.syncplane.core.FieldChange;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.CreateSqlObject;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Update runs, and the transaction that commits a change together with the run that records it. */
@RegisterConstructorMapper(UpdateRun.class)
public interface UpdateRunDao {

  @CreateSqlObject
  IntegrationDao integrations();

  @CreateSqlObject
  CommitDao commits();

  @SqlQuery("SELECT * FROM update_runs WHERE id = :id")
  Optional<UpdateRun> find(@Bind("id") String id);

  @SqlQuery("SELECT * FROM update_runs WHERE integration_id = :integrationId AND idempotency_key = :key")
  Optional<UpdateRun> findByKey(@Bind("integrationId") String integrationId, @Bind("key") String key);

  @SqlQuery(
      "SELECT * FROM update_runs WHERE integration_id = :integrationId"
          + " ORDER BY created_at DESC, id LIMIT :limit")
  List<UpdateRun> recent(@Bind("integrationId") String integrationId, @Bind("limit") int limit);

  /** The newest change still on its way to the Schedules (committed or propagating), if any. */
  @SqlQuery(
      "SELECT * FROM update_runs WHERE integration_id = :integrationId AND kind = 'CHANGE'"
          + " AND state IN ('COMMITTED', 'PROPAGATING') ORDER BY version DESC LIMIT 1")
  Optional<UpdateRun> active(@Bind("integrationId") String integrationId);

  /**
   * Whether a change or the delete of the integration is on its way to the Schedules, or reached them less than
   * {@code graceSeconds} ago: Temporal's Schedule list may not show what was written (or deleted) yet.
   */
  @SqlQuery(
      "SELECT EXISTS (SELECT 1 FROM update_runs WHERE integration_id = :integrationId"
          + " AND (state IN ('COMMITTED', 'PROPAGATING') OR finished_at > now() - :graceSeconds * interval '1 second'))")
  boolean changedWithin(@Bind("integrationId") String integrationId, @Bind("graceSeconds") long graceSeconds);

  /**
   * Records a run unless its id (a retried or replayed request) or its Idempotency-Key is already recorded;
   * empty then, without aborting the transaction.
   */
  @SqlQuery(
      "INSERT INTO update_runs (id, integration_id, kind, version, state, idempotency_key, workflow_id, run_id)"
          + " VALUES (:id, :integrationId, :kind, :version, :state, :idempotencyKey, :workflowId, :runId)"
          + " ON CONFLICT DO NOTHING RETURNING *")
  Optional<UpdateRun> insertIfNew(
      @Bind("id") String id,
      @Bind("integrationId") String integrationId,
      @Bind("kind") UpdateKind kind,
      @Bind("version") Long version,
      @Bind("state") String state,
      @Bind("idempotencyKey") String idempotencyKey,
      @Bind("workflowId") String workflowId,
      @Bind("runId") String runId);

  /**
   * Commits a change with optimistic concurrency and records its update run, atomically.
   * Idempotent: a retried activity or a replayed Idempotency-Key (both the same update id) returns the
   * first commit instead of writing a second version; the same key with a different change is refused.
   * A new change is one statement ({@link CommitDao#commitNew}): it is on the path of every PUT's 200. Whatever
   * it did not commit (a replay, a refusal) takes {@link #commitOrExplain}, which finds out why.
   */
  default Commit commitChange(
      String updateId,
      String integrationId,
      IntegrationChange change,
      Long expectedVersion,
      String idempotencyKey,
      String workflowId,
      String runId) {
    return commits().commitNew(updateId, integrationId, change, expectedVersion, idempotencyKey, workflowId, runId)
        .orElseGet(() -> commitOrExplain(updateId, integrationId, change, expectedVersion, idempotencyKey, workflowId, runId));
  }

  /**
   * What {@link CommitDao#commitNew} did not commit, checked under the integration's row lock: the first commit of a
   * replayed update id, or the refusal (another integration's update id, an Idempotency-Key reused for a
   * different change, not found, a stale expected version). Commits after all if the integration has just
   * come to the expected version.
   */
  @Transaction
  default Commit commitOrExplain(
      String updateId,
      String integrationId,
      IntegrationChange change,
      Long expectedVersion,
      String idempotencyKey,
      String workflowId,
      String runId) {
    Optional<Integration> locked = integrations().lock(integrationId);
    if (locked.isPresent()
        && locked.get().state() == IntegrationState.ACTIVE
        && (expectedVersion == null || expectedVersion == locked.get().version())) {
      Integration current = locked.get();
      Optional<UpdateRun> recorded =
          insertIfNew(updateId, integrationId, UpdateKind.CHANGE, current.version() + 1, "COMMITTED", idempotencyKey, workflowId, runId);
      if (recorded.isPresent()) {
        Integration committed =
            integrations()
                .applyIfVersion(change.applyTo(current))
                .orElseThrow(() -> new IllegalStateException("integration " + integrationId + " changed under a row lock"));
        return new Commit(committed, recorded.get(), false, FieldChange.between(current, committed));
      }
    }
    // Not new: sent before (same update id), or refused.
    Optional<UpdateRun> earlier = find(updateId);
    if (earlier.isPresent()) {
      if (!earlier.get().integrationId().equals(integrationId)) {
        throw new ChangeRefused(Reason.IDEMPOTENCY_KEY_REUSED, "update id " + updateId + " belongs to another integration");
      }
      return new Commit(locked.orElseThrow(() -> notFound(integrationId)), earlier.get(), true, List.of());
    }
    if (idempotencyKey != null && findByKey(integrationId, idempotencyKey).isPresent()) {
      // The update id is derived from the key and the request, so the same key with another id
      // means the same key was sent with a different change.
      throw new ChangeRefused(
          Reason.IDEMPOTENCY_KEY_REUSED,
          "Idempotency-Key '" + idempotencyKey + "' was already used for a different change of integration "
              + integrationId + "; send the original request again, or use a new key");
    }
    Integration current =
        locked.filter(i -> i.state() == IntegrationState.ACTIVE).orElseThrow(() -> notFound(integrationId));
    throw new ChangeRefused(
        Reason.VERSION_MISMATCH,
        "integration " + integrationId + " is at version " + current.version() + ", not " + expectedVersion + "; GET it and retry");
  }

  /** Marks the integration as being deleted and records the delete run; idempotent. */
  @Transaction
  default UpdateRun beginDelete(String updateId, String integrationId, String workflowId, String runId) {
    Optional<UpdateRun> earlier = find(updateId);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    if (integrations().lock(integrationId).isEmpty()) {
      throw notFound(integrationId);
    }
    integrations().markDeleting(integrationId);
    return insertIfNew(updateId, integrationId, UpdateKind.DELETE, null, "PROPAGATING", null, workflowId, runId)
        .orElseThrow(); // its id was not there a moment ago, under the integration's row lock
  }

  /**
   * A fan-out pass for {@code version} starts: every committed run it covers is now propagating, and links to the
   * pass's own run ({@code workflowId}, {@code runId}).
   */
  @SqlUpdate(
      "UPDATE update_runs SET state = 'PROPAGATING', schedules_total = :total, schedules_applied = 0,"
          + " workflow_id = :workflowId, run_id = :runId"
          + " WHERE integration_id = :integrationId AND kind = 'CHANGE'"
          + " AND state IN ('COMMITTED', 'PROPAGATING') AND version <= :version")
  int beginPropagation(
      @Bind("integrationId") String integrationId,
      @Bind("version") long version,
      @Bind("total") int total,
      @Bind("workflowId") String workflowId,
      @Bind("runId") String runId);

  @SqlUpdate(
      "UPDATE update_runs SET schedules_applied = LEAST(:applied, schedules_total)"
          + " WHERE integration_id = :integrationId AND state = 'PROPAGATING' AND kind = 'CHANGE'")
  int progress(@Bind("integrationId") String integrationId, @Bind("applied") int applied);

  /**
   * A run a pass completed, and its commit-to-applied time in milliseconds; null if an earlier attempt of the same
   * finish marked it (its time was reported then).
   */
  record Propagated(String id, Long millis) {}

  /**
   * Marks the runs a pass completed APPLIED. Returns every run the pass {@code workflowId} applied: those it marks now,
   * each with its commit-to-applied time, and those an earlier attempt marked (a retry after a commit whose answer was
   * lost), without one. Both parts read the same snapshot, so no run is listed twice; the second reads only when the
   * first marked nothing (one statement marks all or none), so a pass's usual finish does not read the integration's
   * past runs.
   */
  @SqlQuery(
      "WITH done AS ("
          + "UPDATE update_runs SET state = 'APPLIED', schedules_applied = schedules_total, finished_at = now()"
          + " WHERE integration_id = :integrationId AND kind = 'CHANGE' AND state = 'PROPAGATING'"
          + " AND version <= :version"
          + " RETURNING id, created_at, finished_at)"
          + " SELECT id, (EXTRACT(EPOCH FROM (finished_at - created_at)) * 1000)::bigint AS millis FROM done"
          + " UNION ALL SELECT id, NULL FROM update_runs WHERE integration_id = :integrationId AND kind = 'CHANGE'"
          + " AND state = 'APPLIED' AND workflow_id = :workflowId AND NOT EXISTS (SELECT 1 FROM done)"
          + " ORDER BY id")
  @RegisterConstructorMapper(Propagated.class)
  List<Propagated> finishPropagation(
      @Bind("integrationId") String integrationId, @Bind("version") long version, @Bind("workflowId") String workflowId);

  /** The integration is gone: its change history goes with it, its delete run says DELETED. */
  @Transaction
  default void finishDelete(String updateId, String integrationId) {
    deleteChangeRuns(integrationId);
    integrations().delete(integrationId);
    markDeleted(updateId);
  }

  @SqlUpdate("DELETE FROM update_runs WHERE integration_id = :integrationId AND kind = 'CHANGE'")
  int deleteChangeRuns(@Bind("integrationId") String integrationId);

  @SqlUpdate("UPDATE update_runs SET state = 'DELETED', finished_at = now() WHERE id = :id")
  int markDeleted(@Bind("id") String id);

  private static ChangeRefused notFound(String integrationId) {
    return new ChangeRefused(Reason.NOT_FOUND, "integration " + integrationId + " does not exist");
  }
}
