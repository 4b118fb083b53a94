package dev.syncplane.e2e.faults;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.ServiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Promise 1 through a worker crash: the service runs as its own OS process and is SIGKILLed while a
 * fan-out to 200 Schedules is half done, then started again against the same DB and Temporal.
 */
class WorkerKilledMidFanOutTest {
  private static final int CONNECTIONS = 200;
  private static final Duration CONVERGE = Duration.ofSeconds(180);

  /** Small batches and a Schedule RPC budget, so that a fan-out takes seconds and the kill lands inside it. */
  private static final ServiceProcess SERVICE = new ServiceProcess("fault-killed-service", Map.of(
      "fanOut.batchSize", "10",
      "fanOut.parallelism", "2",
      "fanOut.scheduleRpcPerSecond", "60"));

  @BeforeAll
  static void start() {
    SERVICE.start();
  }

  @AfterAll
  static void stop() {
    SERVICE.close();
  }

  @Test
  void aServiceKilledMidFanOutConvergesAfterRestartWithoutASecondVersionBump() {
    Api api = SERVICE.api();
    Integrations integrations = new Integrations(api, ServiceHarness.schedules());
    String id = integrations.create(newId("killed"), 60_000);
    List<JsonNode> connections = integrations.connect(id, CONNECTIONS, 8);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));

    Response put = api.put(path(id),
        Map.of("provider", "salesforce", "name", "changed before the crash", "periodMs", 120_000, "syncEnabled", true),
        Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().at("/integration/version").asLong()).isEqualTo(2);
    String updateId = put.json().at("/update/id").asText();
    String runPath = path(id) + "/updates/" + updateId;

    JsonNode midway = Eventually.value(CONVERGE, () -> api.get(runPath).json(), r -> r.get("schedulesApplied").asInt() > 0);
    SERVICE.kill();

    assertThat(midway.get("state").asText()).isEqualTo("PROPAGATING");
    assertThat(midway.get("schedulesApplied").asInt()).isLessThan(CONNECTIONS);
    Map<Long, Integer> versionsAtKill = new TreeMap<>();
    for (JsonNode c : connections) {
      versionsAtKill.merge(integrations.scheduleVersion(c.get("scheduleId").asText()).orElseThrow(), 1, Integer::sum);
    }
    assertThat(versionsAtKill).as("Schedules per version right after the kill").containsOnlyKeys(1L, 2L);
    assertThat(versionsAtKill.get(2L)).as("Schedules already on version 2 at the kill").isBetween(1, CONNECTIONS - 1);

    SERVICE.start();
    Api restarted = SERVICE.api();
    Integrations after = new Integrations(restarted, ServiceHarness.schedules());
    Eventually.within(CONVERGE, () -> after.assertSchedulesMatchDb(id, connections));

    JsonNode db = after.get(id);
    assertThat(db.get("version").asLong()).isEqualTo(2);
    assertThat(db.get("periodMs").asLong()).isEqualTo(120_000);
    assertThat(db.get("name").asText()).isEqualTo("changed before the crash");
    Eventually.within(CONVERGE, () -> {
      JsonNode runs = restarted.get(path(id) + "/updates").json();
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).get("id").asText()).isEqualTo(updateId);
      assertThat(runs.get(0).get("version").asLong()).isEqualTo(2);
      assertThat(runs.get(0).get("state").asText()).isEqualTo("APPLIED");
      assertThat(runs.get(0).get("schedulesApplied").asInt()).isEqualTo(CONNECTIONS);
    });
    after.deleteAndWait(id, CONVERGE);
  }
}
