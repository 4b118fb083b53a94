package dev.syncplane.service;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ConnectRequest;
import dev.syncplane.api.ConnectionView;
import dev.syncplane.api.SyncRunView;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Page;
import dev.syncplane.api.SyncTriggered;
import dev.syncplane.core.Connection;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.update.ConnectCommand;
import dev.syncplane.temporal.update.ConnectResult;
import dev.syncplane.temporal.update.DisconnectCommand;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Connections: connect and disconnect go through the integration's UpdateIntegrationWorkflow, like every Schedule write. */
public class ConnectionService {
  private final IntegrationDao integrations;
  private final ConnectionDao connections;
  private final SyncRunDao syncRuns;
  private final UpdateSender sender;
  private final ScheduleGateway schedules;
  private final Duration wait;
  private final TemporalFactory temporal;

  public ConnectionService(
      IntegrationDao integrations,
      ConnectionDao connections,
      SyncRunDao syncRuns,
      UpdateSender sender,
      ScheduleGateway schedules,
      Duration wait,
      TemporalFactory temporal) {
    this.integrations = integrations;
    this.connections = connections;
    this.syncRuns = syncRuns;
    this.sender = sender;
    this.schedules = schedules;
    this.wait = wait;
    this.temporal = temporal;
  }

  /** {@code created} false: the customer was already connected and that connection is returned. */
  public record Connected(boolean created, boolean pending, ConnectionView connection) {}

  public Connected connect(String integrationId, ConnectRequest request) {
    requireIntegration(integrationId);
    if (request == null || request.customerId() == null) {
      throw ApiException.invalid(List.of(new dev.syncplane.api.Problem.FieldError("customerId", "is required")));
    }
    IntegrationRules.checkId("customerId", request.customerId());
    Optional<Connection> existing = connections.findByCustomer(integrationId, request.customerId());
    if (existing.isPresent()) {
      return new Connected(false, false, view(existing.get()));
    }
    String connectionId = UUID.randomUUID().toString();
    ConnectCommand command = new ConnectCommand(integrationId, connectionId, request.customerId());
    Optional<ConnectResult> result =
        sender.submit(integrationId, "connect-" + connectionId, stub -> stub::connect, command, ConnectResult.class, wait);
    if (result.isEmpty()) {
      return new Connected(
          true,
          true,
          view(new Connection(connectionId, integrationId, request.customerId(), null)));
    }
    return new Connected(result.get().created(), false, view(result.get().connection()));
  }

  public Page<ConnectionView> list(String integrationId, String after, int limit) {
    requireIntegration(integrationId);
    if (after != null) {
      IntegrationRules.checkId("after", after);
    }
    List<ConnectionView> items = connections.page(integrationId, after, limit).stream().map(this::view).toList();
    return new Page<>(items, items.size() < limit ? null : items.get(items.size() - 1).id());
  }

  /** @return true when done, false when still in progress after the bounded wait */
  public boolean disconnect(String integrationId, String connectionId) {
    Connection c = find(integrationId, connectionId);
    DisconnectCommand command = new DisconnectCommand(integrationId, c.id(), c.customerId());
    return sender
        .submit(integrationId, "disconnect-" + c.id(), stub -> stub::disconnect, command, Boolean.class, wait)
        .isPresent();
  }

  public SyncTriggered syncNow(String integrationId, String connectionId) {
    Connection c = find(integrationId, connectionId);
    String scheduleId = Names.scheduleId(integrationId, c.customerId());
    try {
      schedules.trigger(scheduleId);
    } catch (RuntimeException e) {
      if (ScheduleGateway.isNotFound(e)) {
        throw new ApiException(
            ErrorCode.NOT_FOUND, "Schedule " + scheduleId + " does not exist yet; drift repair will recreate it");
      }
      throw TemporalErrors.forAction(e);
    }
    return new SyncTriggered(c.id(), scheduleId);
  }

  public List<SyncRunView> syncRuns(String integrationId, String connectionId, int limit) {
    Connection c = find(integrationId, connectionId);
    return syncRuns.recent(c.id(), limit).stream()
        .map(r -> SyncRunView.of(r, temporal.workflowUiUrl(r.workflowId(), r.runId())))
        .toList();
  }

  private Connection find(String integrationId, String connectionId) {
    requireIntegration(integrationId);
    IntegrationRules.checkId("connectionId", connectionId);
    return connections
        .find(integrationId, connectionId)
        .orElseThrow(
            () -> new ApiException(ErrorCode.NOT_FOUND, "integration " + integrationId + " has no connection " + connectionId));
  }

  private void requireIntegration(String integrationId) {
    IntegrationRules.checkId("integrationId", integrationId);
    if (integrations.findActive(integrationId).isEmpty()) {
      throw new ApiException(ErrorCode.NOT_FOUND, "integration " + integrationId + " does not exist");
    }
  }

  private ConnectionView view(Connection c) {
    String scheduleId = Names.scheduleId(c.integrationId(), c.customerId());
    return new ConnectionView(
        c.id(), c.integrationId(), c.customerId(), scheduleId, temporal.scheduleUiUrl(scheduleId), c.createdAt());
  }
}
