package dev.syncplane.temporal.update;

import dev.syncplane.core.ChangeRefused;
import dev.syncplane.core.Commit;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.db.CommitDao;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

public class StoreActivitiesImpl implements StoreActivities {
  private final CommitDao commits;
  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final UpdateRunDao updates;
  private final SyncRunDao syncRuns;
  private final SyncplaneMetrics metrics;

  public StoreActivitiesImpl(
      CommitDao commits,
      IntegrationDao integrations,
      ConnectionDao connections,
      UpdateRunDao updates,
      SyncRunDao syncRuns,
      SyncplaneMetrics metrics) {
    this.commits = commits;
    this.integrations = integrations;
    this.connections = connections;
    this.updates = updates;
    this.syncRuns = syncRuns;
    this.metrics = metrics;
  }

  /** {@link UpdateRunDao#commitChange}, with its one-statement path through the small {@link CommitDao}. */
  @Override
  public Commit commitChange(ChangeCommand c) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    return refusable(
        () ->
            commits
                .commitNew(c.updateId(), c.integrationId(), c.change(), c.expectedVersion(), c.idempotencyKey(),
                    info.getWorkflowId(), info.getRunId())
                .orElseGet(() -> updates.commitOrExplain(c.updateId(), c.integrationId(), c.change(), c.expectedVersion(),
                    c.idempotencyKey(), info.getWorkflowId(), info.getRunId())));
  }

  @Override
  public FanOutStart beginFanOut(String integrationId) {
    Optional<Integration> integration =
        integrations.find(integrationId).filter(i -> i.state() == IntegrationState.ACTIVE);
    if (integration.isEmpty()) {
      return new FanOutStart(false, 0, 0);
    }
    long version = integration.get().version();
    int total = connections.count(integrationId);
    updates.beginPropagation(integrationId, version, total);
    return new FanOutStart(true, version, total);
  }

  @Override
  public void finishFanOut(String integrationId, long version) {
    // Each run this pass completed reports its commit-to-applied time; a retried attempt finds none left.
    updates.finishPropagation(integrationId, version).forEach(ms -> metrics.updatePropagated(Duration.ofMillis(ms)));
  }

  @Override
  public UpdateRun beginDelete(DeleteCommand c) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    return refusable(() -> updates.beginDelete(c.updateId(), c.integrationId(), info.getWorkflowId(), info.getRunId()));
  }

  @Override
  public void finishDelete(DeleteCommand c) {
    syncRuns.deleteForIntegration(c.integrationId());
    updates.finishDelete(c.updateId(), c.integrationId());
  }

  /** A refusal is final: retrying cannot change the answer, and the caller needs it at once. */
  static <T> T refusable(Supplier<T> write) {
    try {
      return write.get();
    } catch (ChangeRefused e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), REFUSED, e.reason().name());
    }
  }
}
