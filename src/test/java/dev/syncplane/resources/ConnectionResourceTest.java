package dev.syncplane.resources;

import static dev.syncplane.resources.ApiResources.assertProblem;
import static dev.syncplane.resources.ApiResources.call;
import static dev.syncplane.resources.ApiResources.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.service.ConnectionService;
import dev.syncplane.service.UpdateSender;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.update.ConnectCommand;
import dev.syncplane.temporal.update.ConnectResult;
import dev.syncplane.temporal.update.DisconnectCommand;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.grpc.Status;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;

/**
 * /api/v1/integrations/{id}/connections in Jersey's in-memory container: the real ConnectionService; the
 * DAOs, UpdateSender (connect and disconnect go through the integration's workflow) and ScheduleGateway
 * (sync now) are mocks. A refused request must reach none of the writers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConnectionResourceTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final String PATH = "/api/v1/integrations/sf/connections";

  private final IntegrationDao integrations = mock(IntegrationDao.class);
  private final ConnectionDao connections = mock(ConnectionDao.class);
  private final SyncRunDao syncRuns = mock(SyncRunDao.class);
  private final UpdateSender sender = mock(UpdateSender.class);
  private final ScheduleGateway gateway = mock(ScheduleGateway.class);

  final ResourceExtension resources = ApiResources.extension(new ConnectionResource(
      new ConnectionService(integrations, connections, syncRuns, sender, gateway,
          Duration.ofMillis(ApiResources.API.updateWaitMs), ApiResources.temporal()),
      new Paging(ApiResources.API.maxPageSize)));

  private void integrationExists() {
    when(integrations.findActive("sf")).thenReturn(
        Optional.of(new Integration("sf", "hubspot", "HubSpot", 60_000, true, 1, IntegrationState.ACTIVE, T0, T0)));
  }

  private static Connection connection(String id, String customerId) {
    return new Connection(id, "sf", customerId, T0);
  }

  private void connectionExists() {
    integrationExists();
    when(connections.find("sf", "c-1")).thenReturn(Optional.of(connection("c-1", "acme")));
  }

  private void assertNothingWritten() {
    verifyNoInteractions(sender, gateway, syncRuns);
    verify(connections, never()).insertIfAbsent(anyString(), anyString(), anyString());
    verify(connections, never()).disconnect(anyString(), anyString());
    verify(connections, never()).delete(anyList());
  }

  private Response connect(String body) {
    return call(resources, PATH).post(Entity.json(body));
  }

  private void connectAnswers(Optional<ConnectResult> result) {
    when(sender.submit(eq("sf"), anyString(), any(), any(ConnectCommand.class), eq(ConnectResult.class), any(Duration.class)))
        .thenReturn(result);
  }

  // ---- POST …/connections

  @Test
  void connectOfANewCustomerIs201WithItsSchedule() {
    integrationExists();
    connectAnswers(Optional.of(new ConnectResult(connection("c-1", "acme"), "sync:sf:acme", 1, true)));

    Response r = connect("{\"customerId\":\"acme\"}");

    assertThat(r.getStatus()).isEqualTo(201);
    JsonNode body = json(r);
    assertThat(body.get("id").asText()).isEqualTo("c-1");
    assertThat(body.get("scheduleId").asText()).isEqualTo("sync:sf:acme");
    ArgumentCaptor<ConnectCommand> command = ArgumentCaptor.forClass(ConnectCommand.class);
    verify(sender).submit(eq("sf"), anyString(), any(), command.capture(), eq(ConnectResult.class), any(Duration.class));
    assertThat(command.getValue().customerId()).isEqualTo("acme");
  }

  @Test
  void connectThatTheWorkflowFoundAlreadyDoneIs200() {
    integrationExists();
    connectAnswers(Optional.of(new ConnectResult(connection("c-0", "acme"), "sync:sf:acme", 1, false)));

    Response r = connect("{\"customerId\":\"acme\"}");

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(json(r).get("id").asText()).isEqualTo("c-0");
  }

  @Test
  void connectOfAConnectedCustomerIs200WithTheExistingConnectionAndSendsNothing() {
    integrationExists();
    when(connections.findByCustomer("sf", "acme")).thenReturn(Optional.of(connection("c-0", "acme")));

    Response r = connect("{\"customerId\":\"acme\"}");

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(json(r).get("id").asText()).isEqualTo("c-0");
    verifyNoInteractions(sender);
  }

  @Test
  void connectNotDoneWithinTheWaitIs202() {
    integrationExists();
    connectAnswers(Optional.empty());

    Response r = connect("{\"customerId\":\"acme\"}");

    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(json(r).get("customerId").asText()).isEqualTo("acme");
  }

  static Stream<Arguments> refusedConnects() {
    return Stream.of(
        Arguments.of("customerId missing", "{}", 422, ErrorCode.VALIDATION_FAILED, "customerId: is required"),
        Arguments.of("customerId null", "{\"customerId\":null}", 422, ErrorCode.VALIDATION_FAILED, "customerId: is required"),
        Arguments.of("':' in customerId", "{\"customerId\":\"a:b\"}", 400, ErrorCode.INVALID_ID, "customerId must be 1 to 64 letters"),
        Arguments.of("path traversal as customerId", "{\"customerId\":\"../x\"}", 400, ErrorCode.INVALID_ID, "customerId must be 1 to 64"),
        Arguments.of("empty customerId", "{\"customerId\":\"\"}", 400, ErrorCode.INVALID_ID, "customerId must be 1 to 64"),
        Arguments.of("unknown field", "{\"customerId\":\"acme\",\"plan\":\"gold\"}", 400, ErrorCode.UNKNOWN_FIELD,
            "unknown field 'plan'; known fields are customerId"),
        Arguments.of("customerId an object", "{\"customerId\":{}}", 400, ErrorCode.INVALID_FIELD, "field 'customerId' has the wrong type"),
        Arguments.of("malformed JSON", "{\"customerId\":", 400, ErrorCode.MALFORMED_JSON, "malformed JSON at line 1"),
        Arguments.of("body over maxBodyBytes", "{\"customerId\":\"" + "a".repeat(70_000) + "\"}", 413, ErrorCode.BODY_TOO_LARGE,
            "larger than 65536 bytes"));
  }

  @ParameterizedTest(name = "{0}: {2} {3}")
  @MethodSource("refusedConnects")
  void refusedConnectAnswersProblemAndWritesNothing(String rule, String body, int status, ErrorCode code, String detail) {
    integrationExists();

    assertProblem(connect(body), status, code, detail);

    assertNothingWritten();
  }

  @Test
  void connectWithoutBodyIs422() {
    integrationExists();

    assertProblem(connect(""), 422, ErrorCode.VALIDATION_FAILED, "customerId: is required");
    assertNothingWritten();
  }

  @Test
  void connectToAnUnknownIntegrationIs404() {
    assertProblem(connect("{\"customerId\":\"acme\"}"), 404, ErrorCode.NOT_FOUND, "integration sf does not exist");
    assertNothingWritten();
  }

  @ParameterizedTest(name = "integrationId {0}")
  @ValueSource(strings = {"a%3Ab", "%20x", "-x"})
  void hostileIntegrationIdInPathIs400BeforeAnyLookup(String id) {
    Response r = call(resources, "/api/v1/integrations/" + id + "/connections").post(Entity.json("{\"customerId\":\"acme\"}"));

    assertProblem(r, 400, ErrorCode.INVALID_ID, "integrationId must be 1 to 64 letters");
    verifyNoInteractions(integrations, connections);
    assertNothingWritten();
  }

  @Test
  void connectWithoutTheTokenIs401() {
    Response r = resources.target(PATH).request().post(Entity.json("{\"customerId\":\"acme\"}"));

    assertProblem(r, 401, ErrorCode.UNAUTHORIZED);
    verifyNoInteractions(integrations, connections, sender);
  }

  // ---- GET …/connections

  @ParameterizedTest(name = "limit={0}")
  @ValueSource(strings = {"0", "201", "ten"})
  void listWithBadLimitIs400(String limit) {
    integrationExists();

    Response r = resources.target(PATH).queryParam("limit", limit).request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertProblem(r, 400, ErrorCode.INVALID_PARAMETER, "limit must be a whole number from 1 to 200");
    verifyNoInteractions(connections);
  }

  @Test
  void listWithHostileAfterCursorIs400() {
    integrationExists();

    Response r = resources.target(PATH).queryParam("after", "a/b").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertProblem(r, 400, ErrorCode.INVALID_ID, "after must be 1 to 64 letters");
    verifyNoInteractions(connections);
  }

  @Test
  void listOfAFullPageAnswersTheLastIdAsNextCursor() {
    integrationExists();
    when(connections.page("sf", null, 1)).thenReturn(List.of(connection("c-1", "acme")));

    Response r = resources.target(PATH).queryParam("limit", "1").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertThat(r.getStatus()).isEqualTo(200);
    JsonNode page = json(r);
    assertThat(page.get("items").findValuesAsText("customerId")).containsExactly("acme");
    assertThat(page.get("nextCursor").asText()).isEqualTo("c-1");
  }

  // ---- DELETE …/connections/{connectionId}

  @Test
  void disconnectDoneWithinTheWaitIs204() {
    connectionExists();
    when(sender.submit(eq("sf"), eq("disconnect-c-1"), any(), any(DisconnectCommand.class), eq(Boolean.class), any(Duration.class)))
        .thenReturn(Optional.of(true));

    Response r = call(resources, PATH + "/c-1").delete();

    assertThat(r.getStatus()).isEqualTo(204);
  }

  @Test
  void disconnectNotDoneWithinTheWaitIs202() {
    connectionExists();
    when(sender.submit(eq("sf"), eq("disconnect-c-1"), any(), any(DisconnectCommand.class), eq(Boolean.class), any(Duration.class)))
        .thenReturn(Optional.empty());

    assertThat(call(resources, PATH + "/c-1").delete().getStatus()).isEqualTo(202);
  }

  @Test
  void disconnectOfAnUnknownConnectionIs404AndSendsNothing() {
    integrationExists();

    assertProblem(call(resources, PATH + "/c-9").delete(), 404, ErrorCode.NOT_FOUND, "integration sf has no connection c-9");
    assertNothingWritten();
  }

  @Test
  void disconnectWithHostileConnectionIdIs400BeforeTheLookup() {
    integrationExists();

    assertProblem(call(resources, PATH + "/a%3Ab").delete(), 400, ErrorCode.INVALID_ID, "connectionId must be 1 to 64 letters");
    verifyNoInteractions(connections);
    assertNothingWritten();
  }

  // ---- POST …/connections/{connectionId}/sync

  @Test
  void syncNowIs202AndTriggersTheConnectionsSchedule() {
    connectionExists();

    Response r = call(resources, PATH + "/c-1/sync").post(Entity.json(""));

    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(json(r).get("scheduleId").asText()).isEqualTo("sync:sf:acme");
    verify(gateway).trigger("sync:sf:acme");
  }

  @Test
  void syncNowOfAMissingScheduleIs404SayingDriftRepairRecreatesIt() {
    connectionExists();
    doThrow(Status.NOT_FOUND.asRuntimeException()).when(gateway).trigger("sync:sf:acme");

    assertProblem(call(resources, PATH + "/c-1/sync").post(Entity.json("")), 404, ErrorCode.NOT_FOUND,
        "Schedule sync:sf:acme does not exist yet; drift repair will recreate it");
  }

  @Test
  void syncNowWhileTemporalIsDownIs503WithRetryAfter() {
    connectionExists();
    doThrow(Status.UNAVAILABLE.asRuntimeException()).when(gateway).trigger("sync:sf:acme");

    Response r = call(resources, PATH + "/c-1/sync").post(Entity.json(""));

    assertProblem(r, 503, ErrorCode.TEMPORAL_UNAVAILABLE, "Retry");
    assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
  }

  @Test
  void syncNowOfAnUnknownConnectionIs404AndTriggersNothing() {
    integrationExists();

    assertProblem(call(resources, PATH + "/c-9/sync").post(Entity.json("")), 404, ErrorCode.NOT_FOUND, "has no connection c-9");
    assertNothingWritten();
  }

  // ---- GET …/connections/{connectionId}/sync-runs

  @Test
  void syncRunsWithBadLimitIs400() {
    connectionExists();

    Response r = resources.target(PATH + "/c-1/sync-runs").queryParam("limit", "-5").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertProblem(r, 400, ErrorCode.INVALID_PARAMETER, "limit must be a whole number from 1 to 200");
    verify(syncRuns, never()).recent(anyString(), anyInt());
  }
}
