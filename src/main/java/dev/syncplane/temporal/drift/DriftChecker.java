package dev.syncplane.temporal.drift;

import dev.syncplane.core.Connection;
import dev.syncplane.core.Ids;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.ActualSchedule;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.DriftKind;
import dev.syncplane.temporal.schedules.ScheduleClassifier;
import dev.syncplane.temporal.schedules.ScheduleClassifier.State;
import dev.syncplane.temporal.schedules.ScheduleClassifier.Verdict;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.schedules.ScheduleGateway.Outcome;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Re-checks one integration's Schedules against the DB, describing each one, and repairs what is really
 * wrong: every Schedule of the integration, or only those of the customers a list-based scan suspects
 * ({@link RepairCommand#customerIds()}). Called by UpdateIntegrationWorkflow's {@code repair} activity (under the
 * integration's lock), and by {@code repair-drift --dry-run} with {@code write = false}, which then only
 * reports.
 */
public class DriftChecker {
  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final ScheduleGateway gateway;
  private final int pageSize;
  private final ExecutorService writers;

  /** @param writers the shared pool that bounds Schedule calls in flight (the fan-out's), across integrations */
  public DriftChecker(
      IntegrationDao integrations, ConnectionDao connections, ScheduleGateway gateway, int pageSize, ExecutorService writers) {
    this.integrations = integrations;
    this.connections = connections;
    this.gateway = gateway;
    this.pageSize = pageSize;
    this.writers = writers;
  }

  /** What one Schedule's check found: the kinds repaired (empty if none), or that it was left to a pass. */
  private record One(Set<DriftKind> kinds, boolean staleLeft) {
    static final One NOTHING = new One(Set.of(), false);
  }

  public IntegrationRepair check(RepairCommand command, boolean write, Runnable heartbeat) {
    String id = command.integrationId();
    Optional<Integration> integration = integrations.find(id);
    if (integration.isPresent() && integration.get().state() != IntegrationState.ACTIVE) {
      return IntegrationRepair.skipped(id, "being deleted");
    }
    Findings found = new Findings(command.maxIds());
    if (command.everySchedule()) {
      checkEverySchedule(command, integration, write, found, heartbeat);
    } else {
      checkSuspects(command, integration, write, found, heartbeat);
    }
    return found.result(id);
  }

  /** Deep: every connection's Schedule, then the Schedules carrying this integration's id whose customer is gone. */
  private void checkEverySchedule(
      RepairCommand command, Optional<Integration> integration, boolean write, Findings found, Runnable heartbeat) {
    String id = command.integrationId();
    Set<String> customers = new HashSet<>();
    if (integration.isPresent()) {
      ScheduleConfig config = integration.get().scheduleConfig();
      String after = null;
      List<Connection> page;
      Checks checks = new Checks(found, heartbeat);
      do {
        page = connections.page(id, after, pageSize);
        for (Connection c : page) {
          customers.add(c.customerId());
          DesiredSchedule d = DesiredSchedule.of(c, config);
          checks.submit(d.scheduleId(), () -> checkOne(d, command, write));
        }
        after = page.isEmpty() ? after : page.get(page.size() - 1).id();
      } while (page.size() == pageSize);
      checks.collectAll();
    }
    List<String> candidates = new ArrayList<>();
    try (Stream<ScheduleListDescription> listed = gateway.list(Names.schedulesOfIntegrationQuery(id), pageSize)) {
      listed.forEach(d -> Names.parseScheduleId(d.getScheduleId())
          .filter(key -> key.integrationId().equals(id) && !customers.contains(key.customerId()))
          .ifPresent(key -> candidates.add(d.getScheduleId())));
    }
    Checks checks = new Checks(found, heartbeat);
    candidates.forEach(scheduleId -> checks.submit(scheduleId, () -> checkOrphan(id, scheduleId, write)));
    checks.collectAll();
  }

  /**
   * List-based: only the Schedules of the customers the scan named. A customer with a connection gets the
   * same describe, classification and repair as in a deep check; one without is an orphan candidate,
   * deleted only if the describe confirms our search attribute. The DB is re-read here: the scan's
   * view may be old.
   */
  private void checkSuspects(
      RepairCommand command, Optional<Integration> integration, boolean write, Findings found, Runnable heartbeat) {
    String id = command.integrationId();
    List<String> customers = command.customerIds().stream().filter(Ids::isValid).distinct().toList();
    Checks checks = new Checks(found, heartbeat);
    for (int from = 0; from < customers.size(); from += pageSize) {
      List<String> chunk = customers.subList(from, Math.min(customers.size(), from + pageSize));
      Map<String, Connection> existing = new HashMap<>();
      if (integration.isPresent()) {
        String[] ids = new String[chunk.size()];
        Arrays.fill(ids, id);
        connections.findPairs(ids, chunk.toArray(String[]::new)).forEach(c -> existing.put(c.customerId(), c));
      }
      for (String customer : chunk) {
        Connection c = existing.get(customer);
        String scheduleId = Names.scheduleId(id, customer);
        if (c != null) {
          DesiredSchedule d = DesiredSchedule.of(c, integration.get().scheduleConfig());
          checks.submit(scheduleId, () -> checkOne(d, command, write));
        } else {
          checks.submit(scheduleId, () -> checkOrphan(id, scheduleId, write));
        }
      }
    }
    checks.collectAll();
  }

  /**
   * The checks of one repair on the shared pool: at most {@code pageSize} submitted and not yet collected (so
   * that other integrations' fan-out still gets its turn), each added up as soon as it is done, in whatever
   * order. A slow describe (seconds, now and then) holds up one check, not a page of them: with a wait for
   * each page, a deep run over 5,000 Schedules took twice as long as describing them one by one, 16 at a time.
   * A failed check, or a cancelled or timed-out activity, cancels the others.
   */
  private final class Checks {
    private final CompletionService<Checked> done = new ExecutorCompletionService<>(writers);
    private final Set<Future<Checked>> pending = new HashSet<>();
    private final Findings found;
    private final Runnable heartbeat;

    private record Checked(String scheduleId, One one) {}

    Checks(Findings found, Runnable heartbeat) {
      this.found = found;
      this.heartbeat = heartbeat;
    }

    void submit(String scheduleId, Callable<One> check) {
      if (pending.size() >= pageSize) {
        collectOne();
      }
      pending.add(done.submit(() -> new Checked(scheduleId, check.call())));
    }

    void collectAll() {
      while (!pending.isEmpty()) {
        collectOne();
      }
    }

    private void collectOne() {
      try {
        Future<Checked> next;
        while ((next = done.poll(1, TimeUnit.SECONDS)) == null) {
          heartbeat.run();
        }
        pending.remove(next);
        Checked checked = next.get();
        heartbeat.run(); // the SDK throttles heartbeats; this keeps a long run alive
        found.checked++;
        if (checked.one().staleLeft()) {
          found.staleLeft++;
        } else if (!checked.one().kinds().isEmpty()) {
          found.add(checked.one().kinds(), checked.scheduleId());
        }
      } catch (InterruptedException e) {
        cancelAll();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        cancelAll();
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } catch (RuntimeException e) {
        cancelAll();
        throw e;
      }
    }

    private void cancelAll() {
      pending.forEach(f -> f.cancel(true));
      pending.clear();
    }
  }

  /**
   * Describes one Schedule, classifies it and, when writing, repairs it in the same step: the describe
   * that confirms the drift is the one the write is based on ({@link ScheduleGateway#repairIf}).
   */
  private One checkOne(DesiredSchedule desired, RepairCommand command, boolean write) {
    AtomicReference<Verdict> seen = new AtomicReference<>();
    Predicate<Optional<ScheduleDescription>> drifted = d -> {
      Verdict v = ScheduleClassifier.classify(desired, d.map(x -> ActualSchedule.of(desired.scheduleId(), x)));
      seen.set(v);
      return !v.inSync() && !(v.state() == State.STALE && command.skipStale());
    };
    Outcome outcome = null;
    if (write) {
      outcome = gateway.repairIf(
          desired, drifted, () -> currentVersion(desired.connection().integrationId()), connections::isLive);
    } else {
      drifted.test(gateway.describe(desired.scheduleId()));
    }
    Verdict verdict = seen.get();
    if (verdict.inSync()) {
      return One.NOTHING;
    }
    if (verdict.state() == State.STALE && command.skipStale()) {
      return new One(Set.of(), true);
    }
    if (write && outcome != Outcome.CREATED && outcome != Outcome.UPDATED) {
      return One.NOTHING; // not drift after all (a newer committed version)
    }
    return new One(verdict.kinds(), false);
  }

  /**
   * A Schedule with our id scheme for {@code id} whose customer has no connection (or whose integration
   * is gone): deleted as an orphan only if the describe shows {@code IntegrationId = id}; a Schedule
   * without our search attribute is never touched.
   */
  private One checkOrphan(String id, String scheduleId, boolean write) {
    Optional<ScheduleDescription> now = gateway.describe(scheduleId);
    if (now.isEmpty() || !id.equals(now.get().getTypedSearchAttributes().get(Names.INTEGRATION_ID))) {
      return One.NOTHING;
    }
    if (write && gateway.delete(scheduleId) != Outcome.DELETED) {
      return One.NOTHING;
    }
    return new One(Set.of(DriftKind.ORPHAN), false);
  }

  private long currentVersion(String integrationId) {
    return integrations.find(integrationId).map(Integration::version).orElse(0L);
  }

  private static final class Findings {
    private final int maxIds;
    private final Map<DriftKind, Integer> counts = new EnumMap<>(DriftKind.class);
    private final Map<DriftKind, List<String>> ids = new EnumMap<>(DriftKind.class);
    private int checked;
    private int repaired;
    private int staleLeft;

    Findings(int maxIds) {
      this.maxIds = maxIds;
    }

    void add(Set<DriftKind> kinds, String scheduleId) {
      repaired++;
      for (DriftKind kind : kinds) {
        counts.merge(kind, 1, Integer::sum);
        List<String> list = ids.computeIfAbsent(kind, k -> new ArrayList<>());
        if (list.size() < maxIds) {
          list.add(scheduleId);
        }
      }
    }

    IntegrationRepair result(String integrationId) {
      return new IntegrationRepair(integrationId, checked, counts, repaired, ids, staleLeft, null);
    }
  }
}
