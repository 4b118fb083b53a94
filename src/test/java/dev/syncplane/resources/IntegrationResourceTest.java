package dev.syncplane.resources;

import static dev.syncplane.resources.ApiResources.MERGE_PATCH;
import static dev.syncplane.resources.ApiResources.assertProblem;
import static dev.syncplane.resources.ApiResources.call;
import static dev.syncplane.resources.ApiResources.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.core.Commit;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateKind;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import dev.syncplane.core.connector.ConnectorRegistry;
import dev.syncplane.core.connector.SimulatedConnector;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.service.IntegrationRules;
import dev.syncplane.service.IntegrationService;
import dev.syncplane.service.UpdateSender;
import dev.syncplane.temporal.update.ChangeCommand;
import dev.syncplane.temporal.update.DeleteCommand;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;

/**
 * /api/v1/integrations in Jersey's in-memory container: the real IntegrationService, IntegrationRules and
 * Preconditions; the DAOs and UpdateSender (the only way a change reaches the DB) are mocks. A refused
 * request must not reach UpdateSender nor a DAO write.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IntegrationResourceTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final String PATH = "/api/v1/integrations";

  private final IntegrationDao integrations = mock(IntegrationDao.class);
  private final UpdateRunDao updates = mock(UpdateRunDao.class);
  private final UpdateSender sender = mock(UpdateSender.class);

  // A new extension, service and mocks per test: IntegrationService caches the integrations it has seen.
  final ResourceExtension resources = ApiResources.extension(new IntegrationResource(service(), new Paging(ApiResources.API.maxPageSize)));

  private IntegrationService service() {
    ConnectorRegistry connectors = new ConnectorRegistry(
        new SyncplaneConfiguration().providers.stream().map(p -> new SimulatedConnector(p, 0)).toList());
    return new IntegrationService(
        integrations,
        updates,
        new IntegrationRules(connectors, ApiResources.API.minPeriodMs),
        sender,
        ApiResources.temporal(),
        Duration.ofMillis(ApiResources.API.updateWaitMs),
        new SyncplaneMetrics(new MetricRegistry()));
  }

  private static Integration integration(String id, long version) {
    return new Integration(id, "hubspot", "HubSpot", 60_000, true, version, IntegrationState.ACTIVE, T0, T0);
  }

  private static UpdateRun run(String integrationId, UpdateKind kind, long version, UpdateState state) {
    return new UpdateRun("u-1", integrationId, kind, version, state, null, 0, 0, "integration-update:" + integrationId, "run-1", T0, null);
  }

  private void exists(String id, long version) {
    when(integrations.findActive(id)).thenReturn(Optional.of(integration(id, version)));
  }

  /** Nothing went to the workflow (the only writer of changes) and the DAOs wrote nothing. */
  private void assertNothingWritten() {
    verifyNoInteractions(sender, updates);
    verify(integrations, never()).insert(anyString(), anyString(), anyString(), anyLong(), anyBoolean());
    verify(integrations, never()).applyIfVersion(any());
    verify(integrations, never()).markDeleting(anyString());
    verify(integrations, never()).delete(anyString());
  }

  private Response post(String body) {
    return call(resources, PATH).post(Entity.json(body));
  }

  private Response send(String method, String id, String body, String contentType, String... headers) {
    var request = call(resources, PATH + "/" + id);
    for (int i = 0; i < headers.length; i += 2) {
      request = request.header(headers[i], headers[i + 1]);
    }
    return request.method(method, Entity.entity(body, contentType));
  }

  // ---- POST /api/v1/integrations

  @Test
  void createAnswers201WithLocationAndETagOfVersion1() {
    when(integrations.findActive("sf")).thenReturn(Optional.of(integration("sf", 1)));

    Response r = post("{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"HubSpot\",\"periodMs\":60000}");

    assertThat(r.getStatus()).isEqualTo(201);
    assertThat(r.getLocation().getPath()).isEqualTo("/api/v1/integrations/sf");
    assertThat(r.getHeaderString("ETag")).isEqualTo("\"1\"");
    JsonNode body = json(r);
    assertThat(body.get("id").asText()).isEqualTo("sf");
    assertThat(body.get("version").asLong()).isEqualTo(1);
    assertThat(body.get("createdAt").asText()).isEqualTo("2025-01-01T00:00:00Z"); // ISO-8601, not a number
    verify(integrations).insert("sf", "hubspot", "HubSpot", 60_000L, true);
    verifyNoInteractions(sender);
  }

  @Test
  void createWithoutIdGeneratesOne() {
    when(integrations.findActive(anyString())).thenAnswer(i -> Optional.of(integration(i.getArgument(0), 1)));

    Response r = post("{\"provider\":\"hubspot\",\"name\":\"HubSpot\",\"periodMs\":60000,\"syncEnabled\":false}");

    assertThat(r.getStatus()).isEqualTo(201);
    ArgumentCaptor<String> id = ArgumentCaptor.forClass(String.class);
    verify(integrations).insert(id.capture(), eq("hubspot"), eq("HubSpot"), eq(60_000L), eq(false));
    assertThat(id.getValue()).matches(dev.syncplane.core.Ids.PATTERN);
    assertThat(r.getLocation().getPath()).isEqualTo(PATH + "/" + id.getValue());
  }

  @Test
  void createOfAnIdThatExistsIs409AlreadyExists() {
    doThrow(new UnableToExecuteStatementException(new SQLException("duplicate key", "23505"), null))
        .when(integrations).insert(anyString(), anyString(), anyString(), anyLong(), anyBoolean());

    Response r = post("{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"HubSpot\",\"periodMs\":60000}");

    assertProblem(r, 409, ErrorCode.ALREADY_EXISTS, "'sf' already exists");
    verifyNoInteractions(sender);
  }

  static Stream<Arguments> refusedCreates() {
    return Stream.of(
        Arguments.of("unknown provider", "{\"id\":\"sf\",\"provider\":\"nope\",\"name\":\"x\",\"periodMs\":60000}",
            422, ErrorCode.UNKNOWN_PROVIDER, "use one of github, hubspot, salesforce, stripe, zendesk"),
        Arguments.of("periodMs below minPeriodMs", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":59999}",
            422, ErrorCode.PERIOD_TOO_SHORT, "below the minimum of 60000 ms"),
        Arguments.of("periodMs above 31 days", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":2678400001}",
            422, ErrorCode.VALIDATION_FAILED, "periodMs: must be at most 2678400000"),
        Arguments.of("periodMs missing", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"x\"}",
            422, ErrorCode.VALIDATION_FAILED, "periodMs: is required"),
        Arguments.of("provider missing", "{\"id\":\"sf\",\"name\":\"x\",\"periodMs\":60000}",
            422, ErrorCode.VALIDATION_FAILED, "provider: is required; one of github"),
        Arguments.of("every field missing", "{}",
            422, ErrorCode.VALIDATION_FAILED, "3 fields are not valid; see errors"),
        Arguments.of("blank name", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\" \",\"periodMs\":60000}",
            422, ErrorCode.VALIDATION_FAILED, "name: must be 1 to 200 characters"),
        Arguments.of("control character in name", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"a\\u0007\",\"periodMs\":60000}",
            422, ErrorCode.VALIDATION_FAILED, "name: must not contain control characters"),
        Arguments.of("path traversal as id", "{\"id\":\"../../etc\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000}",
            422, ErrorCode.VALIDATION_FAILED, "id: must be 1 to 64 letters, digits"),
        Arguments.of("':' in id", "{\"id\":\"a:b\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000}",
            422, ErrorCode.VALIDATION_FAILED, "id: must be 1 to 64 letters, digits"),
        Arguments.of("65-character id", "{\"id\":\"" + "a".repeat(65) + "\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000}",
            422, ErrorCode.VALIDATION_FAILED, "id: must be 1 to 64 letters, digits"),
        Arguments.of("unknown field", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000,\"extra\":1}",
            400, ErrorCode.UNKNOWN_FIELD, "unknown field 'extra'; known fields are id, name, periodMs, provider, syncEnabled"),
        Arguments.of("periodMs of the wrong type", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":\"soon\"}",
            400, ErrorCode.INVALID_FIELD, "field 'periodMs' has the wrong type"),
        Arguments.of("an array instead of an object", "[1,2]",
            400, ErrorCode.INVALID_FIELD, "the body has the wrong type or shape"),
        Arguments.of("truncated JSON", "{\"id\":\"sf\",\"provider\":\"hubspot\",",
            400, ErrorCode.MALFORMED_JSON, "malformed JSON at line 1"),
        Arguments.of("not JSON at all", "provider=hubspot",
            400, ErrorCode.MALFORMED_JSON, "malformed JSON at line 1, column 1"),
        Arguments.of("a second document after the object", "{\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000} {}",
            400, ErrorCode.INVALID_FIELD, "the body has the wrong type or shape"),
        Arguments.of("body over maxBodyBytes", "{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"" + "x".repeat(70_000) + "\",\"periodMs\":60000}",
            413, ErrorCode.BODY_TOO_LARGE, "larger than 65536 bytes"));
  }

  @ParameterizedTest(name = "{0}: {2} {3}")
  @MethodSource("refusedCreates")
  void refusedCreateAnswersProblemAndWritesNothing(String rule, String body, int status, ErrorCode code, String detail) {
    assertProblem(post(body), status, code, detail);

    verifyNoInteractions(integrations);
    assertNothingWritten();
  }

  @Test
  void createWithoutBodyIs422SayingWhichFieldsAreRequired() {
    Response r = call(resources, PATH).post(Entity.json(""));

    assertProblem(r, 422, ErrorCode.VALIDATION_FAILED, "provider, name and periodMs is required");
    verifyNoInteractions(integrations);
  }

  @Test
  void createAsFormIsRefused415() {
    Response r = call(resources, PATH).post(Entity.entity("provider=hubspot", "application/x-www-form-urlencoded"));

    assertProblem(r, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    verifyNoInteractions(integrations);
  }

  @Test
  void unknownProviderNamesNoMoreThan40CharactersOfIt() {
    JsonNode p = assertProblem(post("{\"provider\":\"" + "p".repeat(500) + "\",\"name\":\"x\",\"periodMs\":60000}"),
        422, ErrorCode.UNKNOWN_PROVIDER);

    assertThat(p.get("detail").asText()).contains("p".repeat(40) + "…").doesNotContain("p".repeat(41));
  }

  @Test
  void validationFailureListsEachFieldInErrors() {
    JsonNode p = assertProblem(post("{\"id\":\"a b\",\"provider\":\"hubspot\",\"name\":\"\"}"), 422, ErrorCode.VALIDATION_FAILED);

    assertThat(p.get("errors").findValuesAsText("field")).containsExactly("id", "name", "periodMs");
  }

  // ---- the bearer token

  @ParameterizedTest(name = "Authorization: {0}")
  @ValueSource(strings = {"", "Bearer wrong-token", "Basic dGVzdC10b2tlbg==", "test-token"})
  void withoutTheBearerTokenEveryCallIs401(String authorization) {
    var request = resources.target(PATH).request();
    if (!authorization.isEmpty()) {
      request = request.header("Authorization", authorization);
    }
    Response r = request.post(Entity.json("{\"id\":\"sf\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000}"));

    assertProblem(r, 401, ErrorCode.UNAUTHORIZED, "Authorization: Bearer <token>");
    assertThat(r.getHeaderString("WWW-Authenticate")).isEqualTo("Bearer realm=\"syncplane\"");
    verifyNoInteractions(integrations, sender);
  }

  // ---- GET

  @Test
  void getAnswersTheIntegrationWithETagOfItsVersion() {
    exists("sf", 3);

    Response r = call(resources, PATH + "/sf").get();

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.getHeaderString("ETag")).isEqualTo("\"3\"");
    assertThat(json(r).get("version").asLong()).isEqualTo(3);
  }

  @Test
  void getOfAnUnknownIdIs404() {
    assertProblem(call(resources, PATH + "/ghost").get(), 404, ErrorCode.NOT_FOUND, "integration ghost does not exist");
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"%20drop", "a%3Ab", "-leading-dash", ".hidden", "%C3%A9t%C3%A9",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void hostileIdInPathIs400BeforeAnyLookup(String id) {
    assertProblem(call(resources, PATH + "/" + id).get(), 400, ErrorCode.INVALID_ID, "id must be 1 to 64 letters");

    verifyNoInteractions(integrations, updates, sender);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PUT", "PATCH", "DELETE"})
  void hostileIdInPathOfAWriteIs400AndWritesNothing(String method) {
    String body = method.equals("DELETE") ? null : "{\"name\":\"x\",\"periodMs\":60000}";
    Response r = body == null
        ? call(resources, PATH + "/a%3Ab").delete()
        : send(method, "a%3Ab", body, method.equals("PATCH") ? MERGE_PATCH : "application/json");

    assertProblem(r, 400, ErrorCode.INVALID_ID, "id must be 1 to 64 letters");
    verifyNoInteractions(integrations);
    assertNothingWritten();
  }

  // ---- paging

  @ParameterizedTest(name = "limit={0}")
  @ValueSource(strings = {"0", "-1", "201", "abc", "1.5", "99999999999"})
  void listWithBadLimitIs400NamingTheRange(String limit) {
    Response r = resources.target(PATH).queryParam("limit", limit).request().header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertProblem(r, 400, ErrorCode.INVALID_PARAMETER, "limit must be a whole number from 1 to 200");
    verify(integrations, never()).page(any(), anyInt());
  }

  @Test
  void listWithHostileAfterCursorIs400() {
    Response r = resources.target(PATH).queryParam("after", "../x").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertProblem(r, 400, ErrorCode.INVALID_ID, "after must be 1 to 64 letters");
    verifyNoInteractions(integrations);
  }

  @Test
  void listDefaultsTo50AndHasNoCursorOnAShortPage() {
    when(integrations.page(null, 50)).thenReturn(List.of(integration("a", 1)));

    JsonNode page = json(call(resources, PATH).get());

    assertThat(page.get("items").findValuesAsText("id")).containsExactly("a");
    assertThat(page.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void listOfAFullPageAnswersTheLastIdAsNextCursor() {
    when(integrations.page("a", 2)).thenReturn(List.of(integration("b", 1), integration("c", 1)));

    Response r = resources.target(PATH).queryParam("after", "a").queryParam("limit", "2").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(json(r).get("nextCursor").asText()).isEqualTo("c");
  }

  @Test
  void updatesWithBadLimitIs400() {
    exists("sf", 1);
    Response r = resources.target(PATH + "/sf/updates").queryParam("limit", "0").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).get();

    assertProblem(r, 400, ErrorCode.INVALID_PARAMETER, "limit must be a whole number from 1 to 200");
    verifyNoInteractions(updates);
  }

  @Test
  void anUpdateOfAnotherIntegrationIs404() {
    when(updates.find("u-1")).thenReturn(Optional.of(run("other", UpdateKind.CHANGE, 2, UpdateState.APPLIED)));

    assertProblem(call(resources, PATH + "/sf/updates/u-1").get(), 404, ErrorCode.NOT_FOUND, "integration sf has no update u-1");
  }

  // ---- PUT and PATCH

  private void commits(String id, long newVersion) {
    Integration changed = new Integration(id, "hubspot", "Renamed", 120_000, true, newVersion, IntegrationState.ACTIVE, T0, T0);
    when(sender.submit(eq(id), anyString(), any(), any(ChangeCommand.class), eq(Commit.class), any(Duration.class)))
        .thenReturn(Optional.of(new Commit(changed, run(id, UpdateKind.CHANGE, newVersion, UpdateState.COMMITTED), false, java.util.List.of())));
  }

  private ChangeCommand sentCommand() {
    ArgumentCaptor<ChangeCommand> command = ArgumentCaptor.forClass(ChangeCommand.class);
    verify(sender).submit(anyString(), anyString(), any(), command.capture(), eq(Commit.class), any(Duration.class));
    return command.getValue();
  }

  @Test
  void putCommittedWithinTheWaitIs200WithTheNewETag() {
    exists("sf", 3);
    commits("sf", 4);

    Response r = send("PUT", "sf", "{\"provider\":\"hubspot\",\"name\":\"Renamed\",\"periodMs\":120000}", "application/json",
        "If-Match", "\"3\"");

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.getHeaderString("ETag")).isEqualTo("\"4\"");
    JsonNode body = json(r);
    assertThat(body.get("integration").get("version").asLong()).isEqualTo(4);
    assertThat(body.get("update").get("state").asText()).isEqualTo("COMMITTED");
    assertThat(sentCommand()).satisfies(c -> {
      assertThat(c.change()).isEqualTo(new IntegrationChange("Renamed", 120_000L, true));
      assertThat(c.expectedVersion()).isEqualTo(3L);
    });
  }

  @Test
  void putNotCommittedWithinTheWaitIs202WithThePendingUpdateAndNoETag() {
    exists("sf", 3);
    when(sender.submit(eq("sf"), anyString(), any(), any(ChangeCommand.class), eq(Commit.class), any(Duration.class)))
        .thenReturn(Optional.empty());

    Response r = send("PUT", "sf", "{\"name\":\"Renamed\",\"periodMs\":120000}", "application/json");

    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(r.getHeaderString("ETag")).isNull();
    JsonNode body = json(r);
    assertThat(body.has("integration")).isFalse();
    assertThat(body.get("update").get("state").asText()).isEqualTo("PENDING");
    assertThat(body.get("update").get("workflowId").asText()).isEqualTo("integration-update:sf");
  }

  @Test
  void patchAsMergePatchIs200AndSendsOnlyThePatchedField() {
    exists("sf", 3);
    commits("sf", 4);

    Response r = send("PATCH", "sf", "{\"periodMs\":120000}", MERGE_PATCH);

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.getHeaderString("ETag")).isEqualTo("\"4\"");
    assertThat(sentCommand().change()).isEqualTo(new IntegrationChange(null, 120_000L, null));
  }

  @Test
  void patchAsPlainJsonIsAcceptedToo() {
    exists("sf", 3);
    commits("sf", 4);

    assertThat(send("PATCH", "sf", "{\"syncEnabled\":false}", "application/json").getStatus()).isEqualTo(200);
  }

  @ParameterizedTest(name = "Content-Type: {0}")
  @ValueSource(strings = {"text/plain", "application/json-patch+json", "application/x-www-form-urlencoded"})
  void patchWithAnotherContentTypeIs415AndWritesNothing(String contentType) {
    exists("sf", 3);

    assertProblem(send("PATCH", "sf", "{\"periodMs\":120000}", contentType), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assertNothingWritten();
  }

  static Stream<Arguments> refusedChanges() {
    String replace = "{\"name\":\"x\",\"periodMs\":60000}";
    return Stream.of(
        Arguments.of("PUT periodMs below minPeriodMs", "PUT", "{\"name\":\"x\",\"periodMs\":5}", new String[0],
            422, ErrorCode.PERIOD_TOO_SHORT, "below the minimum of 60000 ms"),
        Arguments.of("PUT changing the provider", "PUT", "{\"provider\":\"stripe\",\"name\":\"x\",\"periodMs\":60000}", new String[0],
            422, ErrorCode.VALIDATION_FAILED, "provider: cannot be changed (is hubspot); create a new integration instead"),
        Arguments.of("PUT without periodMs", "PUT", "{\"name\":\"x\"}", new String[0],
            422, ErrorCode.VALIDATION_FAILED, "periodMs: is required"),
        Arguments.of("PUT with an unknown field", "PUT", "{\"name\":\"x\",\"periodMs\":60000,\"version\":9}", new String[0],
            400, ErrorCode.UNKNOWN_FIELD, "unknown field 'version'"),
        Arguments.of("PUT with malformed JSON", "PUT", "{\"name\":", new String[0],
            400, ErrorCode.MALFORMED_JSON, "malformed JSON at line 1"),
        Arguments.of("PUT over maxBodyBytes", "PUT", "{\"name\":\"" + "x".repeat(70_000) + "\",\"periodMs\":60000}", new String[0],
            413, ErrorCode.BODY_TOO_LARGE, "larger than 65536 bytes"),
        Arguments.of("PATCH setting periodMs to null", "PATCH", "{\"periodMs\":null}", new String[0],
            422, ErrorCode.VALIDATION_FAILED, "periodMs: must be a whole number of milliseconds"),
        Arguments.of("PATCH of the provider", "PATCH", "{\"provider\":\"stripe\"}", new String[0],
            400, ErrorCode.UNKNOWN_FIELD, "field 'provider' cannot be patched; patchable fields are name, periodMs, syncEnabled"),
        Arguments.of("PATCH syncEnabled as a string", "PATCH", "{\"syncEnabled\":\"yes\"}", new String[0],
            422, ErrorCode.VALIDATION_FAILED, "syncEnabled: must be true or false"),
        Arguments.of("PATCH periodMs below minPeriodMs", "PATCH", "{\"periodMs\":10}", new String[0],
            422, ErrorCode.PERIOD_TOO_SHORT, "below the minimum of 60000 ms"),
        Arguments.of("PATCH of nothing", "PATCH", "{}", new String[0],
            422, ErrorCode.VALIDATION_FAILED, "the patch changes nothing; name one of name, periodMs, syncEnabled"),
        Arguments.of("PATCH with an array", "PATCH", "[]", new String[0],
            422, ErrorCode.VALIDATION_FAILED, "a merge patch must be a JSON object"),
        Arguments.of("PATCH with malformed JSON", "PATCH", "{\"periodMs\":", new String[0],
            400, ErrorCode.MALFORMED_JSON, "malformed JSON at line 1"),
        Arguments.of("PATCH over maxBodyBytes", "PATCH", "{\"name\":\"" + "x".repeat(70_000) + "\"}", new String[0],
            413, ErrorCode.BODY_TOO_LARGE, "larger than 65536 bytes"),
        Arguments.of("If-Match of another version", "PATCH", "{\"periodMs\":120000}", new String[] {"If-Match", "\"7\""},
            412, ErrorCode.VERSION_MISMATCH, "integration sf is at version 3, not 7; GET it and retry"),
        Arguments.of("weak If-Match of another version", "PUT", replace, new String[] {"If-Match", "W/\"2\""},
            412, ErrorCode.VERSION_MISMATCH, "is at version 3, not 2"),
        Arguments.of("If-Match not an ETag", "PATCH", "{\"periodMs\":120000}", new String[] {"If-Match", "yesterday"},
            400, ErrorCode.INVALID_PARAMETER, "If-Match must be an ETag from GET, such as \"3\"; got yesterday"),
        Arguments.of("If-Match of version 0", "PUT", replace, new String[] {"If-Match", "\"0\""},
            400, ErrorCode.INVALID_PARAMETER, "If-Match must be an ETag from GET"),
        Arguments.of("If-Match with an unclosed quote", "PUT", replace, new String[] {"If-Match", "\"3"},
            400, ErrorCode.INVALID_PARAMETER, "If-Match must be an ETag from GET"),
        Arguments.of("blank Idempotency-Key", "PATCH", "{\"periodMs\":120000}", new String[] {"Idempotency-Key", " "},
            400, ErrorCode.INVALID_PARAMETER, "Idempotency-Key must be 1 to 200 visible ASCII characters"),
        Arguments.of("Idempotency-Key over 200 characters", "PUT", replace, new String[] {"Idempotency-Key", "k".repeat(201)},
            400, ErrorCode.INVALID_PARAMETER, "Idempotency-Key must be 1 to 200 visible ASCII characters"));
  }

  @ParameterizedTest(name = "{0}: {4} {5}")
  @MethodSource("refusedChanges")
  void refusedChangeAnswersProblemAndSendsNothing(
      String rule, String method, String body, String[] headers, int status, ErrorCode code, String detail) {
    exists("sf", 3);

    assertProblem(send(method, "sf", body, method.equals("PATCH") ? MERGE_PATCH : "application/json", headers), status, code, detail);

    assertNothingWritten();
  }

  @Test
  void putWithoutBodyIs422SayingWhatIsRequired() {
    exists("sf", 3);

    assertProblem(send("PUT", "sf", "", "application/json"), 422, ErrorCode.VALIDATION_FAILED, "name and periodMs is required");
    assertNothingWritten();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"PUT", "PATCH"})
  void changeOfAnUnknownIntegrationIs404AndStartsNoWorkflow(String method) {
    Response r = send(method, "ghost", "{\"name\":\"x\",\"periodMs\":60000}", method.equals("PATCH") ? MERGE_PATCH : "application/json");

    assertProblem(r, 404, ErrorCode.NOT_FOUND, "integration ghost does not exist");
    assertNothingWritten();
  }

  @Test
  void ifMatchStarIsNoPrecondition() {
    exists("sf", 3);
    commits("sf", 4);

    assertThat(send("PATCH", "sf", "{\"periodMs\":120000}", MERGE_PATCH, "If-Match", "*").getStatus()).isEqualTo(200);
    assertThat(sentCommand().expectedVersion()).isNull();
  }

  // ---- DELETE

  @Test
  void deleteIs202WithTheDeleteRun() {
    exists("sf", 3);
    when(sender.submit(eq("sf"), eq("delete-sf"), any(), any(DeleteCommand.class), eq(UpdateRun.class), any(Duration.class)))
        .thenReturn(Optional.of(run("sf", UpdateKind.DELETE, 3, UpdateState.DELETED)));

    Response r = call(resources, PATH + "/sf").delete();

    assertThat(r.getStatus()).isEqualTo(202);
    JsonNode body = json(r);
    assertThat(body.get("kind").asText()).isEqualTo("DELETE");
    assertThat(body.get("state").asText()).isEqualTo("DELETED");
  }

  @Test
  void deleteNotDoneWithinTheWaitIs202WithAPendingRun() {
    exists("sf", 3);
    when(sender.submit(eq("sf"), eq("delete-sf"), any(), any(DeleteCommand.class), eq(UpdateRun.class), any(Duration.class)))
        .thenReturn(Optional.empty());

    Response r = call(resources, PATH + "/sf").delete();

    assertThat(r.getStatus()).isEqualTo(202);
    assertThat(json(r).get("state").asText()).isEqualTo("PENDING");
  }

  @Test
  void deleteOfAnUnknownIntegrationIs404AndStartsNoWorkflow() {
    assertProblem(call(resources, PATH + "/ghost").delete(), 404, ErrorCode.NOT_FOUND, "integration ghost does not exist");
    assertNothingWritten();
  }
}
