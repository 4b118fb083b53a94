package dev.syncplane.e2e.faults;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Promise 1 through a database outage: a PUT made while PostgreSQL is down is answered 202 and committed later. */
@ExtendWith(DropwizardExtensionsSupport.class)
class PostgresUnreachableTest {
  private static final Duration CONVERGE = Duration.ofSeconds(150);
  private static final Duration UPDATE_WAIT = Duration.ofSeconds(3);

  static final DropwizardAppExtension<SyncplaneConfiguration> APP =
      ServiceHarness.app(Map.of("api.updateWaitMs", Long.toString(UPDATE_WAIT.toMillis())));

  private final Api api = ServiceHarness.api(APP);
  private final Api admin = new Api("http://127.0.0.1:" + APP.getAdminPort(), null);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @Test
  void withPostgresDownAPutAnswers202AndTheHealthCheckGoesRedThenTheUpdateCommitsAndPropagates() {
    String id = integrations.create(newId("pg-down"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 3);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
    Map<String, Object> body = Map.of("provider", "salesforce", "name", "while PostgreSQL was down", "periodMs", 90_000);

    String updateId;
    TestPostgres.stop();
    try {
      long started = System.nanoTime();
      Response pending = api.put(path(id), body, Map.of());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.printf("202 after %d ms (updateWaitMs %d)%n", took.toMillis(), APP.getConfiguration().api.updateWaitMs);

      assertThat(pending.status()).as(pending.toString()).isEqualTo(202);
      assertThat(took).as("time to the 202").isBetween(UPDATE_WAIT, UPDATE_WAIT.plusSeconds(5));
      assertThat(pending.json().at("/update/state").asText()).isEqualTo("PENDING");
      updateId = pending.json().at("/update/id").asText();
      assertThat(updateId).isNotBlank();

      Response health = admin.get("/healthcheck");
      assertThat(health.status()).as(health.toString()).isEqualTo(500);
      assertThat(health.json().at("/postgresql/healthy").asBoolean()).as(health.toString()).isFalse();
      assertThat(health.json().at("/temporal/healthy").asBoolean()).as(health.toString()).isTrue();
      Response read = api.get(path(id));
      assertThat(read.status()).as(read.toString()).isEqualTo(503);
      assertThat(read.json().get("code").asText()).isEqualTo("DATABASE_UNAVAILABLE");
    } finally {
      TestPostgres.start();
    }

    Eventually.within(CONVERGE, () -> {
      JsonNode db = integrations.get(id);
      assertThat(db.get("version").asLong()).isEqualTo(2);
      assertThat(db.get("periodMs").asLong()).isEqualTo(90_000);
      assertThat(db.get("name").asText()).isEqualTo("while PostgreSQL was down");
    });
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
    Eventually.within(CONVERGE, () -> {
      JsonNode runs = api.get(path(id) + "/updates").json();
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).get("id").asText()).isEqualTo(updateId);
      assertThat(runs.get(0).get("version").asLong()).isEqualTo(2);
      assertThat(runs.get(0).get("state").asText()).isEqualTo("APPLIED");
      assertThat(runs.get(0).get("schedulesApplied").asInt()).isEqualTo(connections.size());
    });
    Eventually.within(CONVERGE, () -> assertThat(admin.get("/healthcheck").status()).isEqualTo(200));
  }
}
