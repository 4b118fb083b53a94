package dev.syncplane.db;

import dev.syncplane.core.Integration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(Integration.class)
public interface IntegrationDao {

  @SqlUpdate(
      "INSERT INTO integrations (id, provider, name, period_ms, sync_enabled)"
          + " VALUES (:id, :provider, :name, :periodMs, :syncEnabled)")
  void insert(
      @Bind("id") String id,
      @Bind("provider") String provider,
      @Bind("name") String name,
      @Bind("periodMs") long periodMs,
      @Bind("syncEnabled") boolean syncEnabled);

  /** Any state: the workflows need to see an integration that is being deleted. */
  @SqlQuery("SELECT * FROM integrations WHERE id = :id")
  Optional<Integration> find(@Bind("id") String id);

  /** Any state, in one round trip. */
  @SqlQuery("SELECT * FROM integrations WHERE id IN (<ids>)")
  List<Integration> findAll(@org.jdbi.v3.sqlobject.customizer.BindList("ids") java.util.Collection<String> ids);

  @SqlQuery("SELECT * FROM integrations WHERE id = :id AND state = 'ACTIVE'")
  Optional<Integration> findActive(@Bind("id") String id);

  /** The committed version of an active integration: the fence every Schedule write checks right before it writes. */
  @SqlQuery("SELECT version FROM integrations WHERE id = :id AND state = 'ACTIVE'")
  Optional<Long> activeVersion(@Bind("id") String id);

  @SqlQuery("SELECT * FROM integrations WHERE id = :id FOR UPDATE")
  Optional<Integration> lock(@Bind("id") String id);

  /** Keyset paging in id order; {@code after} null starts at the beginning. */
  @SqlQuery(
      "SELECT * FROM integrations WHERE state = 'ACTIVE' AND (CAST(:after AS text) IS NULL OR id > :after)"
          + " ORDER BY id LIMIT :limit")
  List<Integration> page(@Bind("after") String after, @Bind("limit") int limit);

  /** Optimistic concurrency: empty means somebody else changed it first; else the row as committed. */
  @SqlQuery(
      "UPDATE integrations SET name = :name, period_ms = :periodMs, sync_enabled = :syncEnabled,"
          + " version = version + 1, updated_at = now()"
          + " WHERE id = :id AND version = :version AND state = 'ACTIVE' RETURNING *")
  Optional<Integration> applyIfVersion(@BindMethods Integration changed);

  @SqlUpdate("UPDATE integrations SET state = 'DELETING', updated_at = now() WHERE id = :id")
  int markDeleting(@Bind("id") String id);

  /** Connections go with it (ON DELETE CASCADE). */
  @SqlUpdate("DELETE FROM integrations WHERE id = :id")
  int delete(@Bind("id") String id);
}
