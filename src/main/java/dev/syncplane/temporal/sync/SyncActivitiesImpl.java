package dev.syncplane.temporal.sync;

import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.connector.Connector;
import dev.syncplane.core.connector.ConnectorRegistry;
import dev.syncplane.core.connector.SyncContext;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

public class SyncActivitiesImpl implements SyncActivities {
  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final SyncRunDao syncRuns;
  private final ConnectorRegistry connectors;
  private final SyncplaneMetrics metrics;

  public SyncActivitiesImpl(
      IntegrationDao integrations,
      ConnectionDao connections,
      SyncRunDao syncRuns,
      ConnectorRegistry connectors,
      SyncplaneMetrics metrics) {
    this.integrations = integrations;
    this.connections = connections;
    this.syncRuns = syncRuns;
    this.connectors = connectors;
    this.metrics = metrics;
  }

  @Override
  public SyncOutcome runSync(SyncJob job) {
    SyncRequest request = job.request();
    Optional<Connection> connection = connections.find(request.integrationId(), request.connectionId());
    Optional<Integration> integration = integrations.findActive(request.integrationId());
    if (connection.isEmpty() || integration.isEmpty()) {
      metrics.syncRun("SKIPPED", null);
      return new SyncOutcome("SKIPPED", 0, "connection no longer exists");
    }
    Optional<Connector> connector = connectors.find(integration.get().provider());
    SyncOutcome outcome;
    if (connector.isEmpty()) {
      outcome = new SyncOutcome("FAILED", 0, "no connector for provider " + integration.get().provider());
    } else {
      long version = job.configVersion() != null ? job.configVersion() : integration.get().version();
      try {
        long records =
            connector
                .get()
                .sync(new SyncContext(request.integrationId(), request.connectionId(), request.customerId(), version))
                .records();
        outcome = new SyncOutcome("SUCCEEDED", records, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (Exception e) {
        outcome = new SyncOutcome("FAILED", 0, String.valueOf(e.getMessage()));
      }
    }
    Instant finished = Instant.now();
    syncRuns.record(
        request.connectionId(),
        request.integrationId(),
        job.workflowId(),
        job.runId(),
        job.configVersion(),
        job.scheduledAtMs() == null ? null : Instant.ofEpochMilli(job.scheduledAtMs()),
        Instant.ofEpochMilli(job.startedAtMs()),
        finished,
        outcome.status(),
        outcome.records(),
        outcome.error());
    metrics.syncRun(outcome.status(), connector.isEmpty() ? null : Duration.between(Instant.ofEpochMilli(job.startedAtMs()), finished));
    return outcome;
  }
}
