package dev.syncplane.resources;

import static dev.syncplane.resources.ApiResources.assertProblem;
import static dev.syncplane.resources.ApiResources.call;
import static dev.syncplane.resources.ApiResources.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.service.IntegrationService;
import dev.syncplane.service.StatusService;
import dev.syncplane.service.UpdateSender;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.grpc.Status;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /api/v1/integrations/{id}/status in Jersey's in-memory container: the real StatusService (and
 * IntegrationService's view of an update run, as SyncplaneApplication wires it); DAOs and ScheduleGateway
 * are mocks. A read, so the rules are the id, 404, 503 and the shape of the answer.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IntegrationStatusResourceTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final int PAGE_SIZE = 500; // config.yml's driftRepair.pageSize

  private final IntegrationDao integrations = mock(IntegrationDao.class);
  private final ConnectionDao connections = mock(ConnectionDao.class);
  private final UpdateRunDao updates = mock(UpdateRunDao.class);
  private final ScheduleGateway gateway = mock(ScheduleGateway.class);

  final ResourceExtension resources = ApiResources.extension(new IntegrationStatusResource(
      new StatusService(integrations, connections, updates, gateway, PAGE_SIZE, views()::view, id -> "http://ui/runs/" + id)));

  private IntegrationService views() {
    return new IntegrationService(integrations, updates, null, mock(UpdateSender.class), ApiResources.temporal(),
        Duration.ZERO, new SyncplaneMetrics(new MetricRegistry()));
  }

  private void integrationExists() {
    when(integrations.findActive("sf")).thenReturn(
        Optional.of(new Integration("sf", "hubspot", "HubSpot", 60_000, true, 4, IntegrationState.ACTIVE, T0, T0)));
  }

  @Test
  void statusOfAnIntegrationWithoutConnectionsIsInSync() {
    integrationExists();
    when(gateway.list(anyString(), eq(PAGE_SIZE))).thenAnswer(i -> Stream.empty());

    Response r = call(resources, "/api/v1/integrations/sf/status").get();

    assertThat(r.getStatus()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("desiredVersion").asLong()).isEqualTo(4);
    assertThat(body.get("inSync").asBoolean()).isTrue();
    assertThat(body.get("schedules").get("total").asInt()).isZero();
  }

  @Test
  void aConnectionWithoutAListedScheduleCountsAsMissingAndNotInSync() {
    integrationExists();
    when(connections.page(eq("sf"), eq(null), anyInt())).thenReturn(List.of(new Connection("c-1", "sf", "acme", T0)));
    when(gateway.list(anyString(), eq(PAGE_SIZE))).thenAnswer(i -> Stream.empty());
    when(updates.active("sf")).thenReturn(Optional.of(
        new UpdateRun("u-4", "sf", UpdateKind.CHANGE, 4L, UpdateState.PROPAGATING, null, 1, 0, "integration-update:sf", "r", T0, null)));

    JsonNode body = json(call(resources, "/api/v1/integrations/sf/status").get());

    assertThat(body.get("inSync").asBoolean()).isFalse();
    assertThat(body.get("schedules").get("total").asInt()).isEqualTo(1);
    assertThat(body.get("schedules").get("missing").asInt()).isEqualTo(1);
    assertThat(body.get("activeUpdate").get("state").asText()).isEqualTo("PROPAGATING");
  }

  @Test
  void statusOfAnUnknownIntegrationIs404() {
    assertProblem(call(resources, "/api/v1/integrations/ghost/status").get(), 404, ErrorCode.NOT_FOUND,
        "integration ghost does not exist");
    verifyNoInteractions(gateway);
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"a%3Ab", "%20drop", "_x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void hostileIdIs400BeforeAnyLookup(String id) {
    assertProblem(call(resources, "/api/v1/integrations/" + id + "/status").get(), 400, ErrorCode.INVALID_ID,
        "id must be 1 to 64 letters");
    verifyNoInteractions(integrations, connections, gateway);
  }

  @Test
  void statusWhileTemporalIsDownIs503WithRetryAfter() {
    integrationExists();
    when(gateway.list(anyString(), eq(PAGE_SIZE))).thenThrow(Status.UNAVAILABLE.asRuntimeException());

    Response r = call(resources, "/api/v1/integrations/sf/status").get();

    assertProblem(r, 503, ErrorCode.TEMPORAL_UNAVAILABLE, "Temporal did not answer");
    assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
  }

  @Test
  void statusWithoutTheTokenIs401() {
    assertProblem(resources.target("/api/v1/integrations/sf/status").request().get(), 401, ErrorCode.UNAUTHORIZED);
    verifyNoInteractions(integrations);
  }
}
