package dev.syncplane.cli;

import com.codahale.metrics.MetricRegistry;
import dev.syncplane.SyncplaneApplication;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.temporal.TemporalFactory;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.dropwizard.db.ManagedDataSource;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** What an operator command needs, built from the service's own configuration, and closed after. */
final class CliServices implements AutoCloseable {
  final IntegrationDao integrations;
  final ConnectionDao connections;
  final UpdateRunDao updates;
  final ScheduleGateway gateway;
  final WorkflowClient client;
  private final ManagedDataSource dataSource;
  private final WorkflowServiceStubs stubs;
  private final TemporalFactory temporal;

  CliServices(SyncplaneConfiguration config) throws Exception {
    temporal = config.temporal;
    stubs = temporal.buildStubs(); // first: a bad TLS or API key setting fails before the database is touched
    dataSource = config.database.build(new MetricRegistry(), "cli");
    dataSource.start();
    Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
    integrations = jdbi.onDemand(IntegrationDao.class);
    connections = jdbi.onDemand(ConnectionDao.class);
    updates = jdbi.onDemand(UpdateRunDao.class);
    client = temporal.buildClient(stubs);
    // the namespace's budget, shared with the running replicas: an operator's repair counts against it too
    gateway = new ScheduleGateway(stubs, temporal.scheduleClientOptions(),
        SyncplaneApplication.scheduleRpcBudget(config, jdbi, temporal, () -> {}));
  }

  @Override
  public void close() throws Exception {
    stubs.shutdown();
    temporal.close();
    dataSource.stop();
  }
}
