package dev.syncplane.e2e;

import static dev.syncplane.support.Integrations.newId;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.Names;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The service through its REST API, against the real Temporal dev server and a real PostgreSQL. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ServiceEndToEndTest {
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @BeforeAll
  static void migrate() throws Exception {
    APP.getApplication().run("db", "migrate", "config.yml"); // as bin/dev does; a no-op when up to date
  }

  @Test
  void changingPeriodAndSyncEnabledReachesEverySchedule() {
    String id = integrations.create(newId("five"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 5);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));

    Response patched = api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 120_000, "syncEnabled", false), Map.of());
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.header("ETag")).isEqualTo("\"2\"");
    assertThat(patched.json().at("/integration/periodMs").asLong()).isEqualTo(120_000);
    assertThat(patched.json().at("/update/version").asLong()).isEqualTo(2);
    assertThat(patched.json().at("/update/temporalUiUrl").asText()).contains("integration-update%3A" + id);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
    String updateId = patched.json().at("/update/id").asText();
    Eventually.within(CONVERGE, () -> {
      JsonNode run = api.get("/api/v1/integrations/" + id + "/updates/" + updateId).json();
      assertThat(run.get("state").asText()).isEqualTo("APPLIED");
      assertThat(run.get("schedulesApplied").asInt()).isEqualTo(5);
    });

    Response put = api.put("/api/v1/integrations/" + id,
        Map.of("provider", "salesforce", "name", "renamed", "periodMs", 90_000, "syncEnabled", true), Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().at("/integration/version").asLong()).isEqualTo(3);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
  }

  @Test
  void syncRunsAppearAtThePeriodPace() {
    String id = integrations.create(newId("pace"), 2_000);
    JsonNode connection = integrations.connect(id, 1).get(0);
    String runsPath = "/api/v1/integrations/" + id + "/connections/" + connection.get("id").asText() + "/sync-runs";

    JsonNode runs = Eventually.value(Duration.ofSeconds(40), () -> api.get(runsPath).json(), r -> r.size() >= 5);
    // deep links to the Temporal UI: the connection to its Schedule, each run to its workflow run
    assertThat(connection.get("temporalUiUrl").asText()).endsWith(
        "/namespaces/default/schedules/" + connection.get("scheduleId").asText().replace(":", "%3A"));

    List<Instant> scheduled = new ArrayList<>();
    for (JsonNode run : runs) {
      assertThat(run.get("status").asText()).isEqualTo("SUCCEEDED");
      assertThat(run.get("temporalUiUrl").asText()).endsWith("/" + run.get("runId").asText() + "/history");
      assertThat(run.get("configVersion").asLong()).isEqualTo(1);
      Instant at = Instant.parse(run.get("scheduledAt").asText());
      Instant started = Instant.parse(run.get("startedAt").asText());
      assertThat(Duration.between(at, started)).isLessThan(Duration.ofSeconds(2));
      scheduled.add(at);
    }
    scheduled.sort(null);
    for (int i = 1; i < scheduled.size(); i++) {
      assertThat(Duration.between(scheduled.get(i - 1), scheduled.get(i))).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void syncNowStartsARunAndDisconnectRemovesTheSchedule() {
    String id = integrations.create(newId("now"), 3_600_000);
    JsonNode connection = integrations.connect(id, 1).get(0);
    String path = "/api/v1/integrations/" + id + "/connections/" + connection.get("id").asText();

    Response triggered = api.post(path + "/sync", null);
    assertThat(triggered.status()).as(triggered.toString()).isEqualTo(202);
    Eventually.value(Duration.ofSeconds(20), () -> api.get(path + "/sync-runs").json(), r -> r.size() == 1);

    Response gone = api.delete(path);
    assertThat(gone.status()).as(gone.toString()).isEqualTo(204);
    assertThat(api.get(path + "/sync-runs").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/integrations/" + id + "/connections").json().get("items")).isEmpty();
    String scheduleId = connection.get("scheduleId").asText();
    assertThat(integrations.scheduleMissing(scheduleId)).isTrue();
  }

  @Test
  void connectingTheSameCustomerTwiceKeepsOneConnection() {
    String id = integrations.create(newId("twice"), 60_000);
    JsonNode first = integrations.connect(id, 1).get(0);
    Response again = api.post("/api/v1/integrations/" + id + "/connections", Map.of("customerId", "customer-0"));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(first.get("id").asText());
  }

  @Test
  void idempotencyKeyReplaysTheSameUpdateAndIfMatchGuardsTheVersion() {
    String id = integrations.create(newId("idem"), 60_000);
    Map<String, String> key = Map.of("Idempotency-Key", "portal-save-" + id);

    Response first = api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 70_000), key);
    Response replay = api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 70_000), key);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
    assertThat(replay.json().at("/update/id").asText()).isEqualTo(first.json().at("/update/id").asText());
    assertThat(replay.json().at("/update/version").asLong()).isEqualTo(2);
    assertThat(api.get("/api/v1/integrations/" + id).json().get("version").asLong()).isEqualTo(2);

    Response reused = api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 75_000), key);
    assertThat(reused.status()).as(reused.toString()).isEqualTo(422);
    assertThat(reused.json().get("code").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(api.get("/api/v1/integrations/" + id).json().get("periodMs").asLong()).isEqualTo(70_000);

    Response stale = api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 80_000), Map.of("If-Match", "\"1\""));
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.contentType()).startsWith("application/problem+json");
    assertThat(stale.json().get("code").asText()).isEqualTo("VERSION_MISMATCH");
    Response current = api.patch("/api/v1/integrations/" + id, Map.of("periodMs", 80_000), Map.of("If-Match", "\"2\""));
    assertThat(current.status()).as(current.toString()).isEqualTo(200);
    assertThat(api.get("/api/v1/integrations/" + id).json().get("version").asLong()).isEqualTo(3);
  }

  @Test
  void aBurstOfUpdatesConvergesOnTheNewestVersion() throws Exception {
    String id = integrations.create(newId("burst"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 3);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Future<Response>> answers = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      long period = 60_000L + i * 1_000L;
      answers.add(pool.submit(() -> api.patch("/api/v1/integrations/" + id, Map.of("periodMs", period), Map.of())));
    }
    List<Long> versions = new ArrayList<>();
    for (Future<Response> a : answers) {
      assertThat(a.get().status()).as(a.get().toString()).isEqualTo(200);
      versions.add(a.get().json().at("/integration/version").asLong());
    }
    pool.shutdown();

    assertThat(versions).doesNotHaveDuplicates();
    assertThat(api.get("/api/v1/integrations/" + id).json().get("version").asLong()).isEqualTo(11);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
  }

  @Test
  void deletingAnIntegrationRemovesItsSchedulesAndRows() {
    String id = integrations.create(newId("del"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 3);

    Response deleted = api.delete("/api/v1/integrations/" + id);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(202);
    Eventually.within(CONVERGE, () -> {
      assertThat(api.get("/api/v1/integrations/" + id).status()).isEqualTo(404);
      for (JsonNode c : connections) {
        assertThat(integrations.scheduleMissing(c.get("scheduleId").asText())).isTrue();
      }
    });
    assertThat(api.put("/api/v1/integrations/" + id,
        Map.of("name", "back", "periodMs", 60_000), Map.of()).status()).isEqualTo(404);
  }
}
