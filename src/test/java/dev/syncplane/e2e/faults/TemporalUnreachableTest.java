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
import dev.syncplane.support.TestTemporal;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The trade-off of Temporal on the write path, and promise 3: with Temporal down a PUT is refused and writes nothing. */
@ExtendWith(DropwizardExtensionsSupport.class)
class TemporalUnreachableTest {
  private static final Duration CONVERGE = Duration.ofSeconds(150);

  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @Test
  void withTemporalDownAPutAnswers503AndWritesNothingThenTheSameKeySucceedsExactlyOnce() {
    TestTemporal.get().assumeRestartable(); // it stops the server: not one the tests were given
    String id = integrations.create(newId("temporal-down"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 3);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
    JsonNode before = integrations.get(id);
    Map<String, Object> body = Map.of("provider", "salesforce", "name", "while Temporal was down", "periodMs", 90_000);
    Map<String, String> key = Map.of("Idempotency-Key", "portal-save-" + id);

    TestTemporal temporal = TestTemporal.get();
    temporal.stop();
    try {
      long started = System.nanoTime();
      Response refused = api.put(path(id), body, key);
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      System.out.printf("503 after %d ms%n", took.toMillis());
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(took).as("time to the 503").isLessThan(Duration.ofSeconds(5));
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("code").asText()).isEqualTo("TEMPORAL_UNAVAILABLE");
      assertThat(refused.header("Retry-After")).isNotNull();
      assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
      assertThat(integrations.get(id)).as("the DB after the 503 (reads work without Temporal)").isEqualTo(before);
      assertThat(api.get(path(id) + "/updates").json()).as("update runs after the 503").isEmpty();
      for (String check : List.of("temporal", "temporal-workers")) {
        Eventually.within(CONVERGE, () -> assertThat(health(check).isHealthy()).as(check + " while Temporal is down").isFalse());
      }
      assertThat(health("temporal-workers").getMessage()).contains("cannot poll");
    } finally {
      temporal.start();
    }
    for (String check : List.of("temporal", "temporal-workers")) {
      Eventually.within(CONVERGE, () -> assertThat(health(check).isHealthy()).as(check + " once Temporal is back").isTrue());
    }

    // The portal retries the same request with the same key, as Retry-After says, until Temporal answers.
    Response accepted = Eventually.value(CONVERGE, () -> api.put(path(id), body, key), r -> r.status() != 503);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    assertThat(accepted.json().at("/integration/version").asLong()).isEqualTo(2);
    Response replayed = api.put(path(id), body, key);
    assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
    assertThat(replayed.json().at("/update/id").asText()).isEqualTo(accepted.json().at("/update/id").asText());
    assertThat(replayed.json().at("/update/version").asLong()).isEqualTo(2);

    JsonNode after = integrations.get(id);
    assertThat(after.get("version").asLong()).isEqualTo(2);
    assertThat(after.get("periodMs").asLong()).isEqualTo(90_000);
    assertThat(api.get(path(id) + "/updates").json()).as("update runs").hasSize(1);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
  }

  private static com.codahale.metrics.health.HealthCheck.Result health(String name) {
    return APP.getEnvironment().healthChecks().runHealthCheck(name);
  }
}
