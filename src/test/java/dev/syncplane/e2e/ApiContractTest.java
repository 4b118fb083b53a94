package dev.syncplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.Names;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input and missing credentials: 4xx problem+json, and nothing written to the DB or Temporal. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApiContractTest {
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();
  private static String existing;

  private final Api api = ServiceHarness.api(APP);

  @BeforeAll
  static void createOne() {
    existing = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    Response r = ServiceHarness.api(APP).post("/api/v1/integrations",
        Map.of("id", existing, "provider", "hubspot", "name", "HubSpot", "periodMs", 60_000));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  static Stream<Arguments> badCreates() {
    return Stream.of(
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"nope\",\"name\":\"x\",\"periodMs\":60000}", 422, "UNKNOWN_PROVIDER"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":10}", 422, "PERIOD_TOO_SHORT"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",\"name\":\"x\"}", 422, "VALIDATION_FAILED"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",\"name\":\"\",\"periodMs\":60000}", 422, "VALIDATION_FAILED"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000,\"extra\":1}", 400, "UNKNOWN_FIELD"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":\"soon\"}", 400, "INVALID_FIELD"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",", 400, "MALFORMED_JSON"),
        Arguments.of("{\"id\":\"../../etc\",\"provider\":\"hubspot\",\"name\":\"x\",\"periodMs\":60000}", 422, "VALIDATION_FAILED"),
        Arguments.of("{\"id\":\"bad-1\",\"provider\":\"hubspot\",\"name\":\"" + "x".repeat(70_000) + "\",\"periodMs\":60000}", 413, "BODY_TOO_LARGE"),
        Arguments.of("[1,2]", 400, "INVALID_FIELD"));
  }

  @ParameterizedTest
  @MethodSource("badCreates")
  void badCreatesAreRefusedAndWriteNothing(String body, int status, String code) {
    Response r = api.send("POST", "/api/v1/integrations", body, Map.of());

    assertProblem(r, status, code);
    assertThat(api.get("/api/v1/integrations/bad-1").status()).isEqualTo(404);
  }

  static Stream<Arguments> badChanges() {
    return Stream.of(
        Arguments.of("PUT", "{\"name\":\"x\",\"periodMs\":5}", Map.of(), 422, "PERIOD_TOO_SHORT"),
        Arguments.of("PUT", "{\"provider\":\"stripe\",\"name\":\"x\",\"periodMs\":60000}", Map.of(), 422, "VALIDATION_FAILED"),
        Arguments.of("PUT", "{\"name\":\"x\",\"periodMs\":60000,\"version\":9}", Map.of(), 400, "UNKNOWN_FIELD"),
        Arguments.of("PATCH", "{\"periodMs\":null}", Map.of(), 422, "VALIDATION_FAILED"),
        Arguments.of("PATCH", "{\"provider\":\"stripe\"}", Map.of(), 400, "UNKNOWN_FIELD"),
        Arguments.of("PATCH", "{\"syncEnabled\":\"yes\"}", Map.of(), 422, "VALIDATION_FAILED"),
        Arguments.of("PATCH", "{}", Map.of(), 422, "VALIDATION_FAILED"),
        Arguments.of("PATCH", "[]", Map.of(), 422, "VALIDATION_FAILED"),
        Arguments.of("PATCH", "{\"periodMs\":", Map.of(), 400, "MALFORMED_JSON"),
        Arguments.of("PATCH", "{\"periodMs\":120000}", Map.of("If-Match", "\"7\""), 412, "VERSION_MISMATCH"),
        Arguments.of("PATCH", "{\"periodMs\":120000}", Map.of("If-Match", "yesterday"), 400, "INVALID_PARAMETER"),
        Arguments.of("PATCH", "{\"periodMs\":120000}", Map.of("Idempotency-Key", " "), 400, "INVALID_PARAMETER"));
  }

  @ParameterizedTest
  @MethodSource("badChanges")
  void badChangesAreRefusedAndWriteNothing(String method, String body, Map<String, String> headers, int status, String code) {
    JsonNode before = api.get("/api/v1/integrations/" + existing).json();

    Response r = api.send(method, "/api/v1/integrations/" + existing, body,
        method.equals("PATCH") ? with(headers, "Content-Type", "application/merge-patch+json") : headers);

    assertProblem(r, status, code);
    assertThat(api.get("/api/v1/integrations/" + existing).json()).isEqualTo(before);
  }

  @Test
  void aChangeToAnIntegrationThatDoesNotExistStartsNoWorkflow() {
    String id = "ghost-" + UUID.randomUUID().toString().substring(0, 8);

    assertProblem(api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 120_000), Map.of()), 404, "NOT_FOUND");
    assertThat(workflowExists(Names.updateWorkflowId(id))).isFalse();
  }

  @Test
  void hostileIdsAreRefused() {
    assertProblem(api.get("/api/v1/integrations/" + "a".repeat(65)), 400, "INVALID_ID");
    assertProblem(api.get("/api/v1/integrations/%20drop"), 400, "INVALID_ID");
    assertProblem(api.post("/api/v1/integrations/" + existing + "/connections", Map.of("customerId", "a:b")), 400, "INVALID_ID");
    assertProblem(api.get("/api/v1/integrations?limit=100000"), 400, "INVALID_PARAMETER");
    assertProblem(api.post("/api/v1/drift-repair?scan=shallow", null), 400, "INVALID_PARAMETER");
  }

  static Stream<Arguments> routes() {
    String i = "/api/v1/integrations/x";
    return Stream.of(
        Arguments.of("GET", "/api/v1/integrations"), Arguments.of("POST", "/api/v1/integrations"),
        Arguments.of("GET", i), Arguments.of("PUT", i), Arguments.of("PATCH", i), Arguments.of("DELETE", i),
        Arguments.of("GET", i + "/updates"), Arguments.of("GET", i + "/updates/u"),
        Arguments.of("GET", i + "/connections"), Arguments.of("POST", i + "/connections"),
        Arguments.of("DELETE", i + "/connections/c"), Arguments.of("POST", i + "/connections/c/sync"),
        Arguments.of("GET", i + "/connections/c/sync-runs"));
  }

  @ParameterizedTest
  @MethodSource("routes")
  void everyApiRouteNeedsTheBearerToken(String method, String path) {
    Api anonymous = ServiceHarness.anonymous(APP);
    Api wrong = new Api("http://localhost:" + APP.getLocalPort(), "not-the-token");

    for (Api caller : new Api[] {anonymous, wrong}) {
      Response r = caller.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}", Map.of());
      assertProblem(r, 401, "UNAUTHORIZED");
      assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    }
  }

  private static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("code").asText()).isEqualTo(code);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    assertThat(p.get("detail").asText()).isNotBlank();
  }

  private static boolean workflowExists(String workflowId) {
    try {
      ServiceHarness.stubs().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace("default")
          .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
          .build());
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** Paths Jetty refuses before Jersey sees them (found by the schemathesis fuzz run), sent as raw bytes. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "GET /api/v1/integrations/%2F..", "GET /api/v1/integrations/a%5Cb", "GET /api/v1/integrations/%01x/updates",
      "PATCH /api/v1/integrations/E%08%5C%20%C3%BF", "DELETE /api/v1/integrations/%F0%A0%99%AA%1B%C2%9F/connections/x",
      "PUT /api/v1/integrations/a\\b", "DELETE /api/v1/integrations/%ED%95%9Fu%0C%C2%BD"})
  void pathsJettyRefusesAreProblemJsonToo(String request) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nAuthorization: Bearer "
          + ServiceHarness.TOKEN + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String raw = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      String head = raw.substring(0, Math.max(raw.indexOf("\r\n\r\n"), 0)).toLowerCase(java.util.Locale.ROOT);
      String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
      assertThat(raw).as(raw).startsWith("HTTP/1.1 400");
      assertThat(head).as(raw).contains("content-type: application/problem+json");
      JsonNode p = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      assertThat(p.get("status").asInt()).isEqualTo(400);
      assertThat(p.get("code").asText()).isIn("MALFORMED_REQUEST", "INVALID_ID");
      assertThat(p.get("detail").asText()).isNotBlank();
    }
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> all = new java.util.HashMap<>(headers);
    all.put(name, value);
    return all;
  }
}
