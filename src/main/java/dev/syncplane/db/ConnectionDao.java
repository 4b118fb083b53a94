package dev.syncplane.db;

import dev.syncplane.core.Connection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(Connection.class)
public interface ConnectionDao {

  /**
   * A second connect of the same customer keeps the first row; a connection id that was disconnected is never
   * inserted again (a connect attempt that outlived its timeout and a disconnect that ran meanwhile).
   */
  @SqlUpdate(
      "INSERT INTO connections (id, integration_id, customer_id) SELECT :id, :integrationId, :customerId"
          + " WHERE NOT EXISTS (SELECT 1 FROM disconnected_connections WHERE id = :id)"
          + " ON CONFLICT (integration_id, customer_id) DO NOTHING")
  int insertIfAbsent(
      @Bind("id") String id, @Bind("integrationId") String integrationId, @Bind("customerId") String customerId);

  @SqlQuery("SELECT * FROM connections WHERE integration_id = :integrationId AND id = :id")
  Optional<Connection> find(@Bind("integrationId") String integrationId, @Bind("id") String id);

  /**
   * Whether the connection still exists and its integration is active (not being deleted): what a Schedule
   * write checks right after it created the Schedule ({@code ScheduleGateway}), so that a write that outlived a
   * disconnect or the start of a delete leaves no Schedule behind.
   */
  @SqlQuery(
      "SELECT EXISTS (SELECT 1 FROM connections c JOIN integrations i ON i.id = c.integration_id"
          + " WHERE c.integration_id = :integrationId AND c.id = :id AND i.state = 'ACTIVE')")
  boolean isLive(@Bind("integrationId") String integrationId, @Bind("id") String id);

  default boolean isLive(Connection connection) {
    return isLive(connection.integrationId(), connection.id());
  }

  @SqlQuery("SELECT * FROM connections WHERE integration_id = :integrationId AND customer_id = :customerId")
  Optional<Connection> findByCustomer(
      @Bind("integrationId") String integrationId, @Bind("customerId") String customerId);

  /** Keyset paging in id order; {@code after} null starts at the beginning. */
  @SqlQuery(
      "SELECT * FROM connections WHERE integration_id = :integrationId"
          + " AND (CAST(:after AS text) IS NULL OR id > :after) ORDER BY id LIMIT :limit")
  List<Connection> page(
      @Bind("integrationId") String integrationId, @Bind("after") String after, @Bind("limit") int limit);

  /** The connections among the given (integrationId, customerId) pairs, in one round trip. */
  @SqlQuery(
      "SELECT c.* FROM connections c"
          + " JOIN unnest(CAST(:integrationIds AS text[]), CAST(:customerIds AS text[])) AS k(integration_id, customer_id)"
          + " ON c.integration_id = k.integration_id AND c.customer_id = k.customer_id")
  List<Connection> findPairs(
      @Bind("integrationIds") String[] integrationIds, @Bind("customerIds") String[] customerIds);

  /** How many connections each active integration has, integrations in id order (keyset paging). */
  @SqlQuery(
      "SELECT i.id AS integration_id, count(c.id) AS connections FROM integrations i"
          + " JOIN connections c ON c.integration_id = i.id"
          + " WHERE i.state = 'ACTIVE' AND (CAST(:after AS text) IS NULL OR i.id > :after)"
          + " GROUP BY i.id ORDER BY i.id LIMIT :limit")
  @RegisterConstructorMapper(IntegrationCount.class)
  List<IntegrationCount> countsByIntegration(@Bind("after") String after, @Bind("limit") int limit);

  record IntegrationCount(String integrationId, int connections) {}

  @SqlQuery("SELECT count(*) FROM connections WHERE integration_id = :integrationId")
  int count(@Bind("integrationId") String integrationId);

  @SqlUpdate("DELETE FROM connections WHERE id IN (<ids>)")
  int delete(@BindList("ids") List<String> ids);

  /**
   * Deletes the connection and leaves its id behind ({@code disconnected_connections}, kept 7 days, pruned
   * here), in one statement, so that no late connect attempt inserts it again ({@link #insertIfAbsent}).
   */
  @SqlUpdate(
      "WITH gone AS (DELETE FROM connections WHERE integration_id = :integrationId AND id = :id),"
          + " pruned AS (DELETE FROM disconnected_connections WHERE disconnected_at < now() - interval '7 days')"
          + " INSERT INTO disconnected_connections (id, integration_id)"
          + " SELECT :id, :integrationId WHERE EXISTS (SELECT 1 FROM integrations WHERE id = :integrationId)"
          + " ON CONFLICT (id) DO NOTHING")
  void disconnect(@Bind("integrationId") String integrationId, @Bind("id") String id);
}
