package dev.syncplane.temporal.drift;

import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.ConnectionDao.IntegrationCount;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.Names.ScheduleKey;
import dev.syncplane.temporal.schedules.ActualSchedule;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleClassifier;
import dev.syncplane.temporal.schedules.ScheduleClassifier.State;
import dev.syncplane.temporal.schedules.ScheduleClassifier.Verdict;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.temporal.client.schedules.ScheduleListDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the integrations that may have drifted, and in them the Schedules, from the Schedule list and
 * the DB, without a describe per Schedule. Pages through both: the list {@code ScheduleId STARTS_WITH
 * "sync:"} (page by page, each page joined with the DB in two queries while the next is fetched), then
 * the DB's connection counts per integration (keyset), and for an integration with fewer listed
 * Schedules than connections its connections, to name the missing ones.
 *
 * <p>A list entry shows interval, paused, workflow type and the search attributes; it cannot show the
 * action's arguments, workflow id or task queue. A shallow scan names the suspect customers of each
 * suspect integration (interval, paused, workflow type or version differs; no Schedule; an orphan), so
 * that its UpdateIntegrationWorkflow describes only those. A deep scan makes every integration with connections a
 * suspect as a whole, so that its UpdateIntegrationWorkflow describes every Schedule.
 */
public class DriftScanner {
  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final UpdateRunDao updates;
  private final ScheduleGateway gateway;
  private final int pageSize;

  public DriftScanner(
      IntegrationDao integrations, ConnectionDao connections, UpdateRunDao updates, ScheduleGateway gateway, int pageSize) {
    this.integrations = integrations;
    this.connections = connections;
    this.updates = updates;
    this.gateway = gateway;
    this.pageSize = pageSize;
  }

  /**
   * Suspects per run at most: one run's list of integration ids stays far below Temporal's payload
   * limit, and its repair batches below the history budget; the rest get their turn in the next runs.
   */
  public static final int MAX_SUSPECTS = 20_000;

  /**
   * How long after a change was applied the list's versions of its Schedules are not trusted, nor, after an
   * integration's delete, the list's showing its Schedules: the server indexes each write after the call
   * returned, behind every other one (about 3 s after 1,000 writes, 85 s after 5,000 on the 2-core bench
   * machine). A Schedule that still lags after it is a suspect in the next run.
   */
  static final Duration LIST_LAG_GRACE = Duration.ofMinutes(2);

  public ScanResult scan(boolean deep, Runnable heartbeat) {
    return scan(deep, null, heartbeat);
  }

  public ScanResult scan(boolean deep, String resumeAfter, Runnable heartbeat) {
    Suspects suspects = new Suspects();
    Map<String, Set<String>> listed = new HashMap<>(); // customers with a connection and a listed Schedule
    Map<String, Optional<Integration>> configs = new HashMap<>();
    Map<String, Boolean> recentlyChanged = new HashMap<>();
    int[] total = {0};
    try (Stream<ScheduleListDescription> all = gateway.list(Names.schedulesWithOurPrefixQuery(), pageSize)) {
      forEachPage(all, page -> {
        total[0] += page.size();
        scanPage(page, deep, suspects, listed, configs, recentlyChanged);
        heartbeat.run();
      });
    }

    int integrationCount = 0, connectionCount = 0;
    String after = null;
    List<IntegrationCount> counts;
    do {
      counts = connections.countsByIntegration(after, pageSize);
      for (IntegrationCount c : counts) {
        integrationCount++;
        connectionCount += c.connections();
        if (deep) {
          suspects.whole(c.integrationId());
        } else if (listed.getOrDefault(c.integrationId(), Set.of()).size() < c.connections()) {
          findMissing(c.integrationId(), listed.getOrDefault(c.integrationId(), Set.of()), suspects, heartbeat);
        }
      }
      after = counts.isEmpty() ? after : counts.get(counts.size() - 1).integrationId();
      heartbeat.run();
    } while (counts.size() == pageSize);
    return ScanResult.of(suspects.byIntegration, MAX_SUSPECTS, resumeAfter, integrationCount, connectionCount, total[0]);
  }

  /**
   * Hands the list to {@code scan} a page at a time, fetching the next page while {@code scan} joins this one with
   * the DB: the two took about 1.6 s and 0.6 s of a 5,000-Schedule scan one after the other. One thread fetches, one
   * page ahead; the list's errors reach the caller as they are.
   */
  private void forEachPage(Stream<ScheduleListDescription> list, Consumer<List<ScheduleListDescription>> scan) {
    Iterator<ScheduleListDescription> it = list.iterator();
    Callable<List<ScheduleListDescription>> fetch = () -> {
      List<ScheduleListDescription> page = new ArrayList<>(pageSize);
      while (page.size() < pageSize && it.hasNext()) {
        page.add(it.next());
      }
      return page;
    };
    ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "drift-scan-list");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<List<ScheduleListDescription>> next = fetcher.submit(fetch);
      while (next != null) {
        List<ScheduleListDescription> page = next.get();
        next = page.size() == pageSize ? fetcher.submit(fetch) : null; // a short page was the last
        scan.accept(page);
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing Schedules", e);
    } finally {
      fetcher.shutdownNow();
    }
  }

  /** The connections of an integration whose Schedule the list does not show. */
  private void findMissing(String integrationId, Set<String> listedCustomers, Suspects suspects, Runnable heartbeat) {
    String after = null;
    List<Connection> page;
    do {
      page = connections.page(integrationId, after, pageSize);
      for (Connection c : page) {
        if (!listedCustomers.contains(c.customerId()) && !suspects.customer(integrationId, c.customerId())) {
          return; // too many: the whole integration is checked
        }
      }
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
      heartbeat.run();
    } while (page.size() == pageSize);
  }

  private void scanPage(
      List<ScheduleListDescription> page,
      boolean deep,
      Suspects suspects,
      Map<String, Set<String>> listed,
      Map<String, Optional<Integration>> configs,
      Map<String, Boolean> recentlyChanged) {
    List<ScheduleListDescription> ours = new ArrayList<>();
    List<ScheduleKey> keys = new ArrayList<>();
    for (ScheduleListDescription d : page) {
      Optional<ScheduleKey> key = Names.parseScheduleId(d.getScheduleId());
      if (key.isPresent()) {
        ours.add(d);
        keys.add(key.get());
      }
    }
    if (ours.isEmpty()) {
      return;
    }
    List<String> unknown =
        keys.stream().map(ScheduleKey::integrationId).distinct().filter(id -> !configs.containsKey(id)).toList();
    if (!unknown.isEmpty()) {
      Map<String, Integration> found =
          integrations.findAll(unknown).stream().collect(Collectors.toMap(Integration::id, Function.identity()));
      unknown.forEach(id -> configs.put(id, Optional.ofNullable(found.get(id))));
    }
    Map<ScheduleKey, Connection> existing =
        connections
            .findPairs(
                keys.stream().map(ScheduleKey::integrationId).toArray(String[]::new),
                keys.stream().map(ScheduleKey::customerId).toArray(String[]::new))
            .stream()
            .collect(Collectors.toMap(c -> new ScheduleKey(c.integrationId(), c.customerId()), Function.identity()));

    for (int i = 0; i < ours.size(); i++) {
      ScheduleKey key = keys.get(i);
      ActualSchedule actual = ActualSchedule.of(ours.get(i));
      Connection connection = existing.get(key);
      if (connection == null) {
        if (configs.get(key.integrationId()).isEmpty()
            && listMayLag(key.integrationId(), recentlyChanged)) {
          continue; // its integration's delete has just removed it, and the list does not show that yet
        }
        if (key.integrationId().equals(actual.integrationIdAttribute())) {
          if (deep) {
            suspects.whole(key.integrationId()); // the deep check lists its orphans itself
          } else {
            suspects.customer(key.integrationId(), key.customerId()); // an orphan: ours by id and by search attribute
          }
        }
        continue;
      }
      Optional<Integration> integration = configs.get(key.integrationId());
      if (deep || integration.isEmpty() || integration.get().state() != IntegrationState.ACTIVE) {
        continue;
      }
      listed.computeIfAbsent(key.integrationId(), id -> new HashSet<>()).add(key.customerId());
      Verdict verdict =
          ScheduleClassifier.classify(
              DesiredSchedule.of(connection, integration.get().scheduleConfig()), Optional.of(actual));
      if (verdict.inSync()) {
        continue;
      }
      if (verdict.state() == State.STALE
          && listMayLag(key.integrationId(), recentlyChanged)) {
        continue; // the update on its way will write it, or has just written it and the list does not show it yet
      }
      suspects.customer(key.integrationId(), key.customerId());
    }
  }

  /**
   * Whether the list may not show the integration's Schedules as they are yet: a change or its delete is on
   * its way, or ended less than {@link #LIST_LAG_GRACE} ago. One query per integration and scan ({@code cache}).
   */
  private boolean listMayLag(String integrationId, Map<String, Boolean> cache) {
    return cache.computeIfAbsent(integrationId, id -> updates.changedWithin(id, LIST_LAG_GRACE.toSeconds()));
  }

  /**
   * Suspect integrations in id order, each with its suspect customers, or null: every Schedule of it
   * (deep, or more than {@link RepairCommand#MAX_CUSTOMERS} suspects).
   */
  private static final class Suspects {
    final TreeMap<String, TreeSet<String>> byIntegration = new TreeMap<>();

    void whole(String integrationId) {
      byIntegration.put(integrationId, null);
    }

    /** Adds a suspect customer; false if the integration is (now) checked as a whole. */
    boolean customer(String integrationId, String customerId) {
      if (byIntegration.containsKey(integrationId) && byIntegration.get(integrationId) == null) {
        return false;
      }
      TreeSet<String> customers = byIntegration.computeIfAbsent(integrationId, id -> new TreeSet<>());
      customers.add(customerId);
      if (customers.size() > RepairCommand.MAX_CUSTOMERS) {
        whole(integrationId);
        return false;
      }
      return true;
    }
  }
}
