package dev.syncplane.temporal.update;

import com.google.common.base.Throwables;
import dev.syncplane.core.ChangeRefused;
import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.DriftChecker;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.schedules.ScheduleGateway.Outcome;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

public class ScheduleActivitiesImpl implements ScheduleActivities, PassSteps {
  /** How many created Schedule ids a batch result lists. */
  static final int SAMPLE = 20;

  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final UpdateRunDao updates;
  private final SyncRunDao syncRuns;
  private final ScheduleGateway gateway;
  private final ExecutorService writers;
  private final int batchSize;
  private final DriftChecker drift;
  private final SyncplaneMetrics metrics;

  /**
   * @param writers the shared pool that bounds how many Schedule writes run at once, across integrations
   * @param batchSize connections per batch activity
   */
  public ScheduleActivitiesImpl(
      IntegrationDao integrations,
      ConnectionDao connections,
      UpdateRunDao updates,
      SyncRunDao syncRuns,
      ScheduleGateway gateway,
      ExecutorService writers,
      int batchSize,
      SyncplaneMetrics metrics) {
    this.integrations = integrations;
    this.connections = connections;
    this.updates = updates;
    this.syncRuns = syncRuns;
    this.gateway = gateway;
    this.writers = writers;
    this.batchSize = batchSize;
    this.drift = new DriftChecker(integrations, connections, gateway, batchSize, writers);
    this.metrics = metrics;
  }

  @Override
  public FirstBatch beginPass(PassStart start) {
    return beginPass(start, this);
  }

  @Override
  public BatchResult continuePass(BatchRequest request, long passVersion) {
    return continuePass(request, passVersion, this);
  }

  /**
   * Begins a pass at the newest committed version, writes its first page and, if that page was the last,
   * finishes the pass.
   */
  static FirstBatch beginPass(PassStart start, PassSteps steps) {
    FanOutStart pass = steps.begin(start);
    if (!pass.exists()) {
      return new FirstBatch(pass, null);
    }
    return new FirstBatch(pass, continuePass(new BatchRequest(start.integrationId(), null, 0), pass.version(), steps));
  }

  /** Writes the page {@code request} asks for and, if it was the last, finishes the pass at {@code passVersion}. */
  static BatchResult continuePass(BatchRequest request, long passVersion, PassSteps steps) {
    BatchResult batch = steps.write(request);
    return batch.done() ? batch.finishing(steps.finish(request.integrationId(), passVersion)) : batch;
  }

  @Override
  public FanOutStart begin(PassStart start) {
    String integrationId = start.integrationId();
    Optional<Integration> integration =
        integrations.find(integrationId).filter(i -> i.state() == IntegrationState.ACTIVE);
    if (integration.isEmpty()) {
      return new FanOutStart(false, 0, 0);
    }
    long version = integration.get().version();
    int total = connections.count(integrationId);
    updates.beginPropagation(integrationId, version, total, start.workflowId(), start.runId());
    return new FanOutStart(true, version, total);
  }

  @Override
  public List<String> finish(String integrationId, long version) {
    // Each run this pass completed reports its commit-to-applied time once; a retried attempt still lists them.
    String pass = Activity.getExecutionContext().getInfo().getWorkflowId();
    List<UpdateRunDao.Propagated> finished = updates.finishPropagation(integrationId, version, pass);
    finished.stream().filter(r -> r.millis() != null).forEach(r -> metrics.updatePropagated(Duration.ofMillis(r.millis())));
    return finished.stream().map(UpdateRunDao.Propagated::id).toList();
  }

  @Override
  public BatchResult write(BatchRequest request) {
    Optional<Integration> integration =
        integrations.find(request.integrationId()).filter(i -> i.state() == IntegrationState.ACTIVE);
    if (integration.isEmpty()) {
      return new BatchResult(request.afterConnectionId(), true, 0, 0, 0, 0, 0, List.of(), List.of());
    }
    // Re-read the newest committed config for every batch: a batch never writes an older one.
    ScheduleConfig config = integration.get().scheduleConfig();
    Page next = page(request.integrationId(), request.afterConnectionId());
    List<Connection> page = next.connections();
    LongSupplier fence = new SharedFence(fence(request.integrationId()));
    List<Outcome> outcomes =
        inParallel(page, c -> gateway.apply(DesiredSchedule.of(c, config), fence, connections::isLive));
    updates.progress(request.integrationId(), request.appliedBefore() + page.size());

    int updated = 0, newer = 0, createdCount = 0;
    List<String> created = new ArrayList<>();
    for (int i = 0; i < page.size(); i++) {
      switch (outcomes.get(i)) {
        case UPDATED -> updated++;
        case NEWER_KEPT -> newer++;
        case CREATED -> {
          createdCount++;
          if (created.size() < SAMPLE) {
            created.add(Names.scheduleId(page.get(i).integrationId(), page.get(i).customerId()));
          }
        }
        default -> {}
      }
    }
    metrics.fanOutBatch(page.size(), updated + createdCount);
    return new BatchResult(
        page.isEmpty() ? request.afterConnectionId() : page.get(page.size() - 1).id(),
        next.last(),
        config.version(),
        page.size(),
        updated,
        newer,
        createdCount,
        created,
        List.of());
  }

  @Override
  public ConnectResult connect(ConnectCommand command) {
    Integration integration =
        StoreActivitiesImpl.refusable(
            () ->
                integrations
                    .findActive(command.integrationId())
                    .orElseThrow(
                        () ->
                            new ChangeRefused(
                                ChangeRefused.Reason.NOT_FOUND,
                                "integration " + command.integrationId() + " does not exist")));
    connections.insertIfAbsent(command.connectionId(), command.integrationId(), command.customerId());
    Connection connection =
        connections
            .findByCustomer(command.integrationId(), command.customerId())
            .orElseThrow( // only an attempt that outlived its timeout gets here: nobody waits for its answer
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "connection " + command.connectionId()
                            + " was disconnected while this connect attempt ran; nothing written",
                        "ConnectionDisconnected"));
    DesiredSchedule desired = DesiredSchedule.of(connection, integration.scheduleConfig());
    gateway.apply(desired, fence(command.integrationId()), connections::isLive);
    return new ConnectResult(
        connection, desired.scheduleId(), desired.version(), connection.id().equals(command.connectionId()));
  }

  @Override
  public boolean disconnect(DisconnectCommand command) {
    syncRuns.deleteForConnections(List.of(command.connectionId()));
    connections.disconnect(command.integrationId(), command.connectionId());
    return gateway.delete(Names.scheduleId(command.integrationId(), command.customerId())) == Outcome.DELETED;
  }

  @Override
  public IntegrationRepair repair(RepairCommand command) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    return drift.check(command, true, () -> context.heartbeat(null));
  }

  @Override
  public BatchResult deleteBatch(String integrationId) {
    Page next = page(integrationId, null);
    List<Connection> page = next.connections();
    inParallel(page, c -> gateway.delete(Names.scheduleId(c.integrationId(), c.customerId())));
    if (!page.isEmpty()) {
      List<String> ids = page.stream().map(Connection::id).toList();
      syncRuns.deleteForConnections(ids);
      connections.delete(ids);
    }
    return new BatchResult(null, next.last(), 0, page.size(), 0, 0, 0, List.of(), List.of());
  }

  /** One batch of connections, and whether it is the integration's last. */
  private record Page(List<Connection> connections, boolean last) {}

  /**
   * The next batch after {@code afterConnectionId} (null: from the start). It reads one row more than it returns,
   * so that a full batch that is the last one says so, and no empty batch has to follow it.
   */
  private Page page(String integrationId, String afterConnectionId) {
    List<Connection> rows = connections.page(integrationId, afterConnectionId, batchSize + 1);
    return rows.size() <= batchSize ? new Page(rows, true) : new Page(rows.subList(0, batchSize), false);
  }

  /**
   * The integration's committed version, read right before each Schedule write ({@link
   * ScheduleGateway#apply}): once a newer version commits, or a delete begins, this attempt writes no more.
   */
  private LongSupplier fence(String integrationId) {
    return () -> integrations.activeVersion(integrationId).orElse(Long.MAX_VALUE);
  }

  /** The innermost cause (the gRPC status, usually), which the SDK's ScheduleException message leaves out. */
  private static String rootCause(Throwable e) {
    Throwable root = Throwables.getRootCause(e);
    return root == e ? "" : " (cause: " + root + ")";
  }

  /**
   * Runs one Schedule write per connection on the shared pool and heartbeats while it waits, so a
   * cancelled or timed-out attempt stops writing. Fails (retryably) if any write failed; the retry skips
   * the Schedules that already carry the version.
   */
  private <T> List<T> inParallel(List<Connection> items, Function<Connection, T> write) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    List<Future<T>> futures = new ArrayList<>(items.size());
    for (Connection c : items) {
      futures.add(writers.submit(() -> write.apply(c)));
    }
    List<T> results = new ArrayList<>(items.size());
    List<FailedWrite> failures = new ArrayList<>();
    try {
      for (int i = 0; i < futures.size(); i++) {
        while (true) {
          try {
            results.add(futures.get(i).get(1, TimeUnit.SECONDS));
            break;
          } catch (TimeoutException stillRunning) {
            context.heartbeat(results.size());
          } catch (ExecutionException e) {
            results.add(null);
            Connection c = items.get(i);
            failures.add(new FailedWrite(0, 0, Names.scheduleId(c.integrationId(), c.customerId()),
                e.getCause() + rootCause(e.getCause())));
            break;
          }
        }
        context.heartbeat(results.size());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (RuntimeException e) { // cancelled or timed out: stop writing at once
      futures.forEach(f -> f.cancel(true));
      throw e;
    }
    if (!failures.isEmpty()) {
      throw ApplicationFailure.newFailure(
          failures.size() + " of " + items.size() + " Schedule writes failed; first: " + failures.get(0),
          FailedWrites.TYPE,
          new FailedWrites(failures.subList(0, Math.min(failures.size(), PassResult.LISTED))));
    }
    return results;
  }
}
