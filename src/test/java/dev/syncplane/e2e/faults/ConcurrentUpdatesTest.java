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
import dev.syncplane.support.VersionSampler;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Promises 1 and 2 under concurrency: 20 PUTs at once to an integration with 50 Schedules, while a
 * sampler reads every Schedule's version throughout.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConcurrentUpdatesTest {
  private static final int CONNECTIONS = 50;
  private static final int PUTS = 20;
  private static final Duration CONVERGE = Duration.ofSeconds(150);

  /**
   * Batches of 10: a pass takes five batches, so changes commit while passes are in flight. A budget of
   * 100 Schedule RPCs/s keeps each pass at half a second or more (a write is one call), so that the
   * sampler reads the Schedules while the passes run, not only before and after. A pass interval of 5 s: the
   * first change's pass starts at once, the others commit during it and coalesce into a pass 5 s later, so the
   * run lasts long enough for a round of reads even when describes are slow (with the default 1 s, two
   * fresh-clone CI runs in four ended within 14 and 48 readings, less than a round).
   */
  static final DropwizardAppExtension<SyncplaneConfiguration> APP =
      ServiceHarness.app(Map.of("fanOut.batchSize", "10", "fanOut.scheduleRpcPerSecond", "100",
          "fanOut.minPassIntervalMs", "5000"));

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @Test
  void twentyConcurrentPutsAreAllAcceptedEachAsOneVersionAndNoScheduleEverGoesBack() throws Exception {
    String id = integrations.create(newId("concurrent"), 60_000);
    List<JsonNode> connections = integrations.connect(id, CONNECTIONS, 4);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));

    VersionSampler sampler = new VersionSampler(integrations, connections.stream().map(c -> c.get("scheduleId").asText()).toList());
    sampler.start();
    Eventually.value(CONVERGE, sampler.rounds::get, r -> r >= 1);
    assertThat(sampler.last.values()).as("the sampler's baseline").hasSize(CONNECTIONS).containsOnly(1L);
    int roundsBefore = sampler.rounds.get();
    int readingsBefore = sampler.readings.get();
    List<Response> answers = putConcurrently(id);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
    int roundsDuring = sampler.rounds.get() - roundsBefore;
    int readingsDuring = sampler.readings.get() - readingsBefore;
    sampler.stopAfterOneMoreRound();

    List<Response> accepted = answers.stream().filter(r -> r.status() == 200 || r.status() == 202).toList();
    assertThat(accepted).as("without If-Match every PUT is accepted: %s", answers).hasSize(PUTS);
    JsonNode db = integrations.get(id);
    assertThat(db.get("version").asLong()).isEqualTo(1 + accepted.size());
    List<Long> versions = new ArrayList<>();
    for (Response r : accepted) {
      if (r.status() == 200) {
        long version = r.json().at("/update/version").asLong(); // the version this PUT committed
        versions.add(version);
        // The integration as it stands once this PUT committed: its version, or a later one if the workflow
        // sent the update again after Temporal aborted it (UpdateSender.isTurnedAway: a replay).
        assertThat(r.json().at("/integration/version").asLong()).as(r.toString()).isGreaterThanOrEqualTo(version);
        if (version == db.get("version").asLong()) {
          assertThat(r.json().get("integration")).as("the DB holds the last committed PUT").isEqualTo(db);
        }
      }
    }
    assertThat(versions).doesNotHaveDuplicates().allMatch(v -> v >= 2 && v <= 1 + PUTS);
    JsonNode runs = api.get(path(id) + "/updates?limit=100").json();
    assertThat(runs).hasSize(PUTS);

    assertThat(sampler.decreases).as("a Schedule's ConfigVersion went down").isEmpty();
    assertThat(readingsDuring).as("Schedule readings while the PUTs ran and propagated (a round is %d)", CONNECTIONS)
        .isGreaterThanOrEqualTo(CONNECTIONS);
    assertThat(sampler.seen).as("versions the sampler read during the run").contains(1L, 1L + PUTS);
    assertThat(sampler.last.values()).as("the sampler's last reading").containsOnly(1L + PUTS);
    // A describe the dev server refused under load is no reading, not a failure; printed for the record.
    System.out.printf("sampler: %d rounds (%d during the run, %d readings), versions read %s, describes refused %d%s%n",
        sampler.rounds.get(), roundsDuring, readingsDuring, new java.util.TreeSet<>(sampler.seen), sampler.errors.size(),
        sampler.errors.isEmpty() ? "" : " (first: " + sampler.errors.get(0) + ")");
    integrations.deleteAndWait(id, CONVERGE);
  }

  /** 20 PUTs, released together, each with its own periodMs, name and syncEnabled. */
  private List<Response> putConcurrently(String id) throws Exception {
    return Race.run(PUTS, i -> {
      Map<String, Object> body = Map.of(
          "provider", "salesforce", "name", "put " + (i + 1), "periodMs", 60_000L + (i + 1) * 1_000L,
          "syncEnabled", (i + 1) % 2 == 0);
      return () -> api.put(path(id), body, Map.of());
    });
  }
}
