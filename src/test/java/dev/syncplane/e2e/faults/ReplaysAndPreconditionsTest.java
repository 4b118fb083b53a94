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
import dev.syncplane.support.Race;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Promise 3 and the Idempotency-Key contract, with requests racing each other. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReplaysAndPreconditionsTest {
  private static final Duration CONVERGE = Duration.ofSeconds(150);
  private static final int RACERS = 5;

  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @Test
  void replayingAnIdempotencyKeyReturnsTheSameUpdateAndVersionEvenWhenTheReplaysRace() throws Exception {
    String id = integrations.create(newId("replay"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 2);
    Map<String, Object> body = Map.of("provider", "salesforce", "name", "saved once", "periodMs", 70_000);
    Map<String, String> key = Map.of("Idempotency-Key", "portal-save-" + id);

    List<Response> answers = race(() -> api.put(path(id), body, key));
    answers.add(api.put(path(id), body, key)); // and once more after all of them

    for (Response r : answers) {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().at("/update/id").asText()).isEqualTo(answers.get(0).json().at("/update/id").asText());
      assertThat(r.json().at("/update/version").asLong()).isEqualTo(2);
    }
    assertThat(integrations.get(id).get("version").asLong()).isEqualTo(2);
    assertThat(api.get(path(id) + "/updates").json()).as("update runs").hasSize(1);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
  }

  @Test
  void aStaleIfMatchAnswers412AndWritesNothing() {
    String id = integrations.create(newId("stale"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 2);
    Response current = api.patch(path(id), Map.of("periodMs", 70_000), Map.of("If-Match", "\"1\""));
    assertThat(current.status()).as(current.toString()).isEqualTo(200);
    String runPath = path(id) + "/updates/" + current.json().at("/update/id").asText();
    Eventually.within(CONVERGE, () -> assertThat(api.get(runPath).json().get("state").asText()).isEqualTo("APPLIED"));
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
    JsonNode before = integrations.get(id);
    JsonNode runsBefore = api.get(path(id) + "/updates").json();

    Response stalePut = api.put(path(id),
        Map.of("provider", "salesforce", "name", "stale", "periodMs", 80_000), Map.of("If-Match", "\"1\""));
    Response stalePatch = api.patch(path(id), Map.of("periodMs", 80_000), Map.of("If-Match", "\"1\""));

    for (Response r : List.of(stalePut, stalePatch)) {
      assertThat(r.status()).as(r.toString()).isEqualTo(412);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.json().get("code").asText()).isEqualTo("VERSION_MISMATCH");
    }
    assertThat(integrations.get(id)).as("the integration after the 412s").isEqualTo(before);
    assertThat(api.get(path(id) + "/updates").json()).as("update runs after the 412s").isEqualTo(runsBefore);
    integrations.assertSchedulesMatchDb(id, connections); // still version 2, period 70 s
  }

  /**
   * This replica knows the integration exists and sends the change to its executor without reading the row; the
   * commit finds it gone (deleted through another replica: here, its rows removed behind this one's back) and the
   * API answers 404 having written nothing, and stops assuming the integration exists.
   */
  @Test
  void aChangeToAnIntegrationDeletedElsewhereAnswers404AndWritesNothing() {
    String id = integrations.create(newId("gone"), 60_000);
    assertThat(api.patch(path(id), Map.of("periodMs", 70_000), Map.of()).status()).isEqualTo(200);
    TestPostgres.jdbi().useHandle(h -> h.execute("DELETE FROM update_runs WHERE integration_id = ?", id));
    TestPostgres.jdbi().useHandle(h -> h.execute("DELETE FROM integrations WHERE id = ?", id));

    for (Response r : List.of(
        api.patch(path(id), Map.of("periodMs", 80_000), Map.of()), api.patch(path(id), Map.of("periodMs", 90_000), Map.of()))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.json().get("code").asText()).isEqualTo("NOT_FOUND");
    }
    assertThat(api.get(path(id)).status()).isEqualTo(404);
    long runs = TestPostgres.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM update_runs WHERE integration_id = :id")
        .bind("id", id).mapTo(Long.class).one());
    assertThat(runs).as("update runs written").isZero();
  }

  /** The refusal inside the commit transaction: both pass the API's precheck, only one may commit. */
  @Test
  void racingPutsWithTheSameIfMatchCommitExactlyOneAndRefuseTheRestWith412() throws Exception {
    String id = integrations.create(newId("race"), 60_000);
    List<JsonNode> connections = integrations.connect(id, 2);

    List<Response> raced = race(() -> api.put(path(id),
        Map.of("provider", "salesforce", "name", "racer " + Thread.currentThread().getName(), "periodMs", 80_000),
        Map.of("If-Match", "\"1\"")));

    List<Response> won = raced.stream().filter(r -> r.status() == 200).toList();
    List<Response> refused = raced.stream().filter(r -> r.status() == 412).toList();
    assertThat(won).as("%s", raced).hasSize(1);
    assertThat(refused).as("%s", raced).hasSize(RACERS - 1);
    refused.forEach(r -> assertThat(r.json().get("code").asText()).isEqualTo("VERSION_MISMATCH"));
    JsonNode db = integrations.get(id);
    assertThat(db.get("version").asLong()).isEqualTo(2);
    assertThat(db).isEqualTo(won.get(0).json().get("integration"));
    assertThat(api.get(path(id) + "/updates").json()).as("update runs").hasSize(1);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
  }

  /** Runs {@link #RACERS} copies of {@code request} released at the same instant. */
  private static List<Response> race(Callable<Response> request) throws Exception {
    return Race.run(RACERS, i -> request);
  }
}
