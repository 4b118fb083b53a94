package dev.syncplane.service;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.IntegrationStatus;
import dev.syncplane.api.IntegrationStatus.ScheduleCounts;
import dev.syncplane.api.UpdateView;
import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.ActualSchedule;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleClassifier;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.temporal.client.schedules.ScheduleListDescription;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An integration's sync status: its connections (DB) against its Schedules as the Schedule list shows
 * them ({@code ScheduleId STARTS_WITH "sync:<id>:"}: one list call per page instead of a describe per
 * Schedule). The list is eventually consistent and lags an update by a moment, and it cannot show action
 * arguments: those are drift repair's deep scan's job. Compared with the same classifier as drift repair.
 */
public class StatusService {
  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final UpdateRunDao updates;
  private final ScheduleGateway gateway;
  private final int pageSize;
  private final Function<UpdateRun, UpdateView> views;
  private final Function<String, String> updateRunsUiUrl;

  public StatusService(
      IntegrationDao integrations,
      ConnectionDao connections,
      UpdateRunDao updates,
      ScheduleGateway gateway,
      int pageSize,
      Function<UpdateRun, UpdateView> views,
      Function<String, String> updateRunsUiUrl) {
    this.integrations = integrations;
    this.connections = connections;
    this.updates = updates;
    this.gateway = gateway;
    this.pageSize = pageSize;
    this.views = views;
    this.updateRunsUiUrl = updateRunsUiUrl;
  }

  public IntegrationStatus status(String id) {
    IntegrationRules.checkId("id", id);
    Integration integration =
        integrations.findActive(id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "integration " + id + " does not exist"));
    ScheduleCounts counts;
    try {
      counts = counts(integration);
    } catch (RuntimeException e) {
      throw TemporalErrors.forRead(e);
    }
    Optional<UpdateRun> active = updates.active(id);
    return new IntegrationStatus(
        id, integration.version(), counts.inSync() == counts.total(), counts, active.map(views).orElse(null),
        updateRunsUiUrl.apply(id));
  }

  /** Compares every connection of {@code integration} with its listed Schedule. */
  public ScheduleCounts counts(Integration integration) {
    Map<String, Connection> byCustomer = new HashMap<>();
    String after = null;
    List<Connection> page;
    do {
      page = connections.page(integration.id(), after, pageSize);
      page.forEach(c -> byCustomer.put(c.customerId(), c));
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == pageSize);

    int inSync = 0, stale = 0, drifted = 0;
    Set<String> seen = new HashSet<>();
    try (Stream<ScheduleListDescription> listed =
        gateway.list(Names.schedulesWithIntegrationPrefixQuery(integration.id()), pageSize)) {
      for (ScheduleListDescription d : (Iterable<ScheduleListDescription>) listed::iterator) {
        Optional<Names.ScheduleKey> key = Names.parseScheduleId(d.getScheduleId());
        Connection c = key.map(k -> byCustomer.get(k.customerId())).orElse(null);
        if (c == null || !seen.add(c.customerId())) {
          continue; // an orphan: drift repair's business, not a connection's status
        }
        switch (ScheduleClassifier.classify(
                DesiredSchedule.of(c, integration.scheduleConfig()), Optional.of(ActualSchedule.of(d)))
            .state()) {
          case IN_SYNC -> inSync++;
          case STALE -> stale++;
          default -> drifted++;
        }
      }
    }
    return new ScheduleCounts(byCustomer.size(), inSync, stale, byCustomer.size() - seen.size(), drifted);
  }
}
