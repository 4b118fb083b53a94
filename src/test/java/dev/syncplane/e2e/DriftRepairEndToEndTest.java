package dev.syncplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestTemporal;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.support.TestPostgres;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.DriftScanner;
import dev.syncplane.temporal.drift.ScanResult;
import dev.syncplane.temporal.drift.DriftRepairStarter;
import dev.syncplane.temporal.drift.DriftRepairWorkflow;
import dev.syncplane.temporal.drift.DriftSettings;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.sync.SyncConnectionWorkflow;
import dev.syncplane.temporal.sync.SyncRequest;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.common.SearchAttributes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drift repair against the real Temporal dev server and a real PostgreSQL: Schedules are edited behind
 * the system's back with the SDK, and repair is asked for with the real {@code temporal} CLI.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DriftRepairEndToEndTest {
  /**
   * Checks every second that drift-repair runs (1 minute by default), so the restart test is quick; pages of 3
   * (500 by default), so that every scan here lists, and reads the DB, over several pages, as one over thousands
   * of Schedules does.
   */
  static final DropwizardAppExtension<SyncplaneConfiguration> APP =
      ServiceHarness.app(Map.of("driftRepair.ensureRunningEvery", "1s", "driftRepair.pageSize", "3"));
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private final Api api = ServiceHarness.api(APP);
  private final ScheduleClient schedules = ServiceHarness.schedules();

  @BeforeAll
  static void migrate() throws Exception {
    APP.getApplication().run("db", "migrate", "config.yml");
  }

  @Test
  void everyKindOfDriftIsRepairedOnARepairNowSignalAndOthersSchedulesAreUntouched() {
    String id = createIntegration(newId("drift"), 3_600_000);
    List<JsonNode> connections = connect(id, 5);
    Eventually.within(CONVERGE, () -> connections.forEach(c -> assertMatchesDb(id, c)));
    awaitDriftRepairRunning();
    String baseline = repairNowOverRest(); // whatever earlier tests left behind is repaired first

    Drift drift = driftBehindTheBack(id, connections);
    String interval = drift.interval(), paused = drift.paused(), deleted = drift.deleted();
    String arguments = drift.arguments(), orphan = drift.orphan();
    String otherId = "nightly-report-" + id;
    createSchedule(otherId, ours(id, "customer-0")); // our search attributes, not our id scheme
    String lookalike = Names.scheduleId(id, "hand-made");
    createSchedule(lookalike, SearchAttributes.EMPTY); // our id scheme, not our search attributes
    ScheduleDescription otherBefore = schedules.getHandle(otherId).describe();
    ScheduleDescription lookalikeBefore = schedules.getHandle(lookalike).describe();

    TestTemporal.get().cli(
        "workflow", "signal", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID, "--name", "repairNow");

    Eventually.within(CONVERGE, () -> {
      connections.forEach(c -> assertMatchesDb(id, c));
      assertThat(exists(orphan)).as("orphan deleted").isFalse();
    });
    JsonNode report = Eventually.value(CONVERGE, () -> api.get("/api/v1/drift-repair").json().get("lastReport"),
        r -> r != null && !r.isNull() && !r.get("scanId").asText().equals(baseline)
            && r.get("trigger").asText().equals("ON_DEMAND"));
    assertThat(report.get("counts")).as(report.toString()).isEqualTo(counts(1, 1, 1, 0, 1, 1));
    assertThat(report.get("repaired").asInt()).isEqualTo(5);
    assertThat(report.at("/ids/INTERVAL").toString()).contains(interval);
    assertThat(report.at("/ids/PAUSED").toString()).contains(paused);
    assertThat(report.at("/ids/MISSING").toString()).contains(deleted);
    assertThat(report.at("/ids/ACTION").toString()).contains(arguments);
    assertThat(report.at("/ids/ORPHAN").toString()).contains(orphan);
    assertThat(report.get("errors")).isEmpty();
    assertThat(report.get("durationMs").asLong()).isPositive();

    assertUntouched(otherBefore, schedules.getHandle(otherId).describe());
    assertUntouched(lookalikeBefore, schedules.getHandle(lookalike).describe());
    assertThat(APP.getEnvironment().metrics().counter("syncplane.drift.repaired.orphan").getCount()).isPositive();
    assertThat(APP.getEnvironment().metrics().counter("syncplane.drift.scans").getCount()).isGreaterThanOrEqualTo(2);
    assertThat(APP.getEnvironment().healthChecks().runHealthCheck("drift-repair").isHealthy()).isTrue();
    assertThat(TestTemporal.get().cli(
            "workflow", "query", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID, "--type", "lastReport"))
        .contains(report.get("scanId").asText());
    schedules.getHandle(otherId).delete();
    schedules.getHandle(lookalike).delete();
  }

  @Test
  void statusShowsInSyncThenTheDriftThenInSyncAgainAfterRepairIntegration() {
    String id = createIntegration(newId("status"), 3_600_000);
    List<JsonNode> connections = connect(id, 3);
    Eventually.within(CONVERGE, () -> assertThat(status(id)).isEqualTo(
        Map.of("inSync", true, "total", 3, "inSync#", 3, "stale", 0, "missing", 0, "drifted", 0)));
    JsonNode body = api.get("/api/v1/integrations/" + id + "/status").json();
    assertThat(body.get("desiredVersion").asLong()).isEqualTo(1);
    assertThat(body.get("activeUpdate").isNull()).isTrue();

    schedules.getHandle(scheduleId(connections.get(0))).pause("behind the back");
    schedules.getHandle(scheduleId(connections.get(1))).delete();
    Eventually.within(CONVERGE, () -> assertThat(status(id)).isEqualTo(
        Map.of("inSync", false, "total", 3, "inSync#", 1, "stale", 0, "missing", 1, "drifted", 1)));

    awaitDriftRepairRunning();
    TestTemporal.get().cli("workflow", "signal", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID,
        "--name", "repairIntegration", "--input", "\"" + id + "\"");
    Eventually.within(CONVERGE, () -> assertThat(status(id)).isEqualTo(
        Map.of("inSync", true, "total", 3, "inSync#", 3, "stale", 0, "missing", 0, "drifted", 0)));
    assertThat(api.get("/api/v1/integrations/nope-" + id + "/status").status()).isEqualTo(404);
    assertThat(api.get("/api/v1/integrations/bad:id/status").status()).isEqualTo(400);
  }

  @Test
  void dryRunPrintsWhatWouldChangeAndChangesNothing() throws Exception {
    String id = createIntegration(newId("dry"), 3_600_000);
    List<JsonNode> connections = connect(id, 2);
    Eventually.within(CONVERGE, () -> connections.forEach(c -> assertMatchesDb(id, c)));
    String paused = scheduleId(connections.get(0));
    String deleted = scheduleId(connections.get(1));
    schedules.getHandle(paused).pause("behind the back");
    schedules.getHandle(deleted).delete();

    String output = runCommand("repair-drift", "--dry-run", "config.yml");
    String listBased = runCommand("repair-drift", "--dry-run", "--scan", "list", "config.yml");

    assertThat(output).contains("would repair PAUSED " + paused).contains("would repair MISSING " + deleted)
        .contains("nothing was changed");
    assertThat(listBased).contains("would repair PAUSED " + paused).contains("would repair MISSING " + deleted)
        .contains("\"deep\" : false");
    assertThat(schedules.getHandle(paused).describe().getSchedule().getState().isPaused()).isTrue();
    assertThat(exists(deleted)).isFalse();

    Eventually.within(CONVERGE, () -> assertThat(runCommand("out-of-sync", "config.yml"))
        .contains(id + " version=1 total=2 inSync=0 stale=0 missing=1 drifted=1"));

    assertThat(runCommand("repair-drift", "config.yml")).contains("\"trigger\" : \"ON_DEMAND\"").contains(paused);
    connections.forEach(c -> assertMatchesDb(id, c));
    Eventually.within(CONVERGE, () -> assertThat(runCommand("out-of-sync", "config.yml")).doesNotContain(id));
  }

  @Test
  void theListBasedScanSuspectsOnlyIntegrationsWithDriftWithoutADescribePerSchedule() {
    String clean = createIntegration(newId("clean"), 3_600_000);
    String edited = createIntegration(newId("edited"), 3_600_000);
    String orphaned = createIntegration(newId("orphaned"), 3_600_000);
    connect(clean, 2);
    List<JsonNode> editedConnections = connect(edited, 2);
    connect(orphaned, 1);
    Jdbi jdbi = TestPostgres.jdbi();
    DriftScanner scanner = new DriftScanner(jdbi.onDemand(IntegrationDao.class), jdbi.onDemand(ConnectionDao.class),
        jdbi.onDemand(UpdateRunDao.class), ServiceHarness.gateway(), 2); // pages of 2: paging is exercised
    Eventually.within(CONVERGE, () -> assertThat(scanner.scan(false, () -> {}).suspects())
        .doesNotContain(clean, edited, orphaned));

    schedules.getHandle(scheduleId(editedConnections.get(0))).pause("behind the back");
    createSchedule(Names.scheduleId(orphaned, "gone"), ours(orphaned, "gone"));

    Eventually.within(CONVERGE, () -> {
      ScanResult shallow = scanner.scan(false, () -> {});
      assertThat(shallow.suspects()).contains(edited, orphaned).doesNotContain(clean);
      assertThat(shallow.customersOf(edited)).containsExactly("customer-0"); // only the paused one is described
      assertThat(shallow.customersOf(orphaned)).containsExactly("gone");
      assertThat(shallow.schedulesListed()).isGreaterThanOrEqualTo(6);
    });
    ScanResult deep = scanner.scan(true, () -> {});
    assertThat(deep.suspects()).contains(clean, edited, orphaned); // deep: all of them, each as a whole
    assertThat(deep.customersOf(edited)).isNull();
  }

  @Test
  void aListBasedRunOverRestDescribesOnlyTheSuspectSchedulesAndLeavesActionEditsToADeepRun() {
    String id = createIntegration(newId("list"), 3_600_000);
    List<JsonNode> connections = connect(id, 40);
    Eventually.within(CONVERGE, () -> connections.forEach(c -> assertMatchesDb(id, c)));
    awaitDriftRepairRunning();
    repairNowOverRest(); // whatever earlier tests left behind is repaired first

    Drift drift = driftBehindTheBack(id, connections);
    String arguments = drift.arguments(), orphan = drift.orphan();

    Jdbi jdbi = TestPostgres.jdbi();
    DriftScanner scanner = new DriftScanner(jdbi.onDemand(IntegrationDao.class), jdbi.onDemand(ConnectionDao.class),
        jdbi.onDemand(UpdateRunDao.class), ServiceHarness.gateway(), 500);
    Eventually.within(CONVERGE, () -> { // the list is eventually consistent: wait until it shows all four
      ScanResult shallow = scanner.scan(false, () -> {});
      assertThat(shallow.suspects()).containsExactly(id);
      assertThat(shallow.customersOf(id)).containsExactly("customer-0", "customer-1", "customer-2", "gone-customer");
    });

    Response r = api.post("/api/v1/drift-repair?scan=list", null);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode report = r.json();
    assertThat(report.get("deep").asBoolean()).isFalse();
    assertThat(report.get("trigger").asText()).isEqualTo("ON_DEMAND");
    assertThat(report.get("counts")).as(report.toString()).isEqualTo(counts(1, 1, 0, 0, 1, 1));
    assertThat(report.get("schedulesChecked").asInt()).as("describes: the suspects, not all 40").isEqualTo(4);
    assertThat(report.get("suspects").asInt()).isEqualTo(1);
    assertThat(report.at("/ids/ORPHAN").toString()).contains(orphan);
    assertThat(exists(orphan)).isFalse();
    connections.stream().filter(c -> !scheduleId(c).equals(arguments)).forEach(c -> assertMatchesDb(id, c));
    ScheduleActionStartWorkflow action =
        (ScheduleActionStartWorkflow) schedules.getHandle(arguments).describe().getSchedule().getAction();
    assertThat(action.getArguments().get(0, SyncRequest.class).connectionId())
        .as("the list cannot show arguments: a deep run repairs them").isEqualTo("someone-elses-connection");

    Response deep = api.post("/api/v1/drift-repair", null);
    assertThat(deep.status()).as(deep.toString()).isEqualTo(200);
    assertThat(deep.json().get("deep").asBoolean()).isTrue();
    assertThat(deep.json().at("/ids/ACTION").toString()).contains(arguments);
    connections.forEach(c -> assertMatchesDb(id, c));
  }

  @Test
  void aScheduleStrippedOfItsOwnSearchAttributesIsDriftForStatusAndIsRepairedByListAndDeepRuns() {
    String id = createIntegration(newId("stripped"), 3_600_000);
    List<JsonNode> connections = connect(id, 3);
    Eventually.within(CONVERGE, () -> connections.forEach(c -> assertMatchesDb(id, c)));
    awaitDriftRepairRunning();
    repairNowOverRest(); // whatever earlier tests left behind is repaired first
    String stripped = scheduleId(connections.get(0));

    recreateWithoutItsSearchAttributes(stripped);

    Eventually.within(CONVERGE, () -> assertThat(status(id)).isEqualTo(
        Map.of("inSync", false, "total", 3, "inSync#", 2, "stale", 0, "missing", 0, "drifted", 1)));
    JsonNode list = repairedByARunOfItsOwn("list", stripped);
    assertThat(list.get("deep").asBoolean()).isFalse();
    assertRepairedWithItsSearchAttributes(id, connections);

    recreateWithoutItsSearchAttributes(stripped);
    JsonNode deep = repairedByARunOfItsOwn("deep", stripped);
    assertThat(deep.get("deep").asBoolean()).isTrue();
    assertRepairedWithItsSearchAttributes(id, connections);
  }

  /**
   * Runs of {@code scan} over REST until one reports {@code stripped} repaired as ATTRIBUTES drift; returns that
   * report. The list is eventually consistent (a re-created Schedule's entry can lag for a moment), and drift-repair
   * keeps its periodic runs in this shared JVM: when one of those repaired the Schedule first, it is stripped again.
   */
  private JsonNode repairedByARunOfItsOwn(String scan, String stripped) {
    return Eventually.value(CONVERGE, () -> {
      if (schedules.getHandle(stripped).describe().getTypedSearchAttributes().size() > 0) {
        recreateWithoutItsSearchAttributes(stripped); // another run repaired it first
      }
      Response r = api.post("/api/v1/drift-repair?scan=" + scan, null);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      return r.json();
    }, r -> r.at("/ids/ATTRIBUTES").toString().contains(stripped));
  }

  /** Every Schedule matches the DB, carries its own search attributes again, and a query by IntegrationId finds all. */
  private void assertRepairedWithItsSearchAttributes(String id, List<JsonNode> connections) {
    for (JsonNode c : connections) {
      assertMatchesDb(id, c);
      SearchAttributes own = schedules.getHandle(scheduleId(c)).describe().getTypedSearchAttributes();
      assertThat(own.get(Names.INTEGRATION_ID)).isEqualTo(id);
      assertThat(own.get(Names.CUSTOMER_ID)).isEqualTo(c.get("customerId").asText());
      assertThat(own.get(Names.CONFIG_VERSION)).isEqualTo(1L);
    }
    Eventually.within(CONVERGE, () -> {
      assertThat(status(id)).isEqualTo(
          Map.of("inSync", true, "total", 3, "inSync#", 3, "stale", 0, "missing", 0, "drifted", 0));
      try (var listed = schedules.listSchedules("IntegrationId = '" + id + "'", 100)) {
        assertThat(listed.count()).as("Schedules a query by IntegrationId finds").isEqualTo(3);
      }
    });
  }

  @Test
  void aShorterIntervalAnnouncedByAStartingReplicaIsTheNextRunsNotTheOneAfterTheOldInterval() {
    awaitDriftRepairRunning();
    repairNowOverRest(); // the next periodic run is now planned with this service's interval (5 minutes)
    java.time.Instant planned = java.time.Instant.parse(api.get("/api/v1/drift-repair").json().get("nextRunAt").asText());
    assertThat(planned).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(1)));

    // What a replica started with SYNCPLANE_DRIFT_INTERVAL=3s does once its workers run:
    new DriftRepairStarter(ServiceHarness.workflows(), new DriftSettings(3_000, 1, 50)).run();

    JsonNode periodic = Eventually.value(CONVERGE, () -> api.get("/api/v1/drift-repair").json().get("lastReport"),
        r -> r != null && !r.isNull() && r.get("trigger").asText().equals("PERIODIC"));
    assertThat(java.time.Instant.parse(periodic.get("startedAt").asText())).isBefore(planned);
  }

  // --- helpers

  /** The Schedules {@link #driftBehindTheBack} edited, one kind of drift each, and the orphan it made. */
  private record Drift(String interval, String paused, String deleted, String arguments, String orphan) {}

  /**
   * Drift made with the SDK, behind syncplane's back: the first four connections' Schedules get another interval,
   * a pause, a delete, and another connection's arguments in their action; and a Schedule for a customer the DB
   * does not have (an orphan).
   */
  private Drift driftBehindTheBack(String id, List<JsonNode> connections) {
    String interval = scheduleId(connections.get(0));
    String paused = scheduleId(connections.get(1));
    String deleted = scheduleId(connections.get(2));
    String arguments = scheduleId(connections.get(3));
    schedules.getHandle(interval).update(in -> new ScheduleUpdate(
        Schedule.newBuilder(in.getDescription().getSchedule())
            .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofMinutes(7)))).build())
            .build()));
    schedules.getHandle(paused).pause("paused by hand");
    schedules.getHandle(deleted).delete();
    schedules.getHandle(arguments).update(in -> {
      ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) in.getDescription().getSchedule().getAction();
      return new ScheduleUpdate(
          Schedule.newBuilder(in.getDescription().getSchedule())
              .setAction(ScheduleActionStartWorkflow.newBuilder(action)
                  .setArguments(new SyncRequest(id, "someone-elses-connection", "customer-3"))
                  .build())
              .build());
    });
    String orphan = Names.scheduleId(id, "gone-customer");
    createSchedule(orphan, ours(id, "gone-customer"));
    return new Drift(interval, paused, deleted, arguments, orphan);
  }

  private static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String createIntegration(String id, long periodMs) {
    Response r = api.post("/api/v1/integrations",
        Map.of("id", id, "provider", "salesforce", "name", "Salesforce " + id, "periodMs", periodMs));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return id;
  }

  private List<JsonNode> connect(String id, int customers) {
    List<JsonNode> connections = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      Response r = api.post("/api/v1/integrations/" + id + "/connections", Map.of("customerId", "customer-" + i));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      connections.add(r.json());
    }
    return connections;
  }

  private static String scheduleId(JsonNode connection) {
    return connection.get("scheduleId").asText();
  }

  private void assertMatchesDb(String id, JsonNode c) {
    JsonNode db = api.get("/api/v1/integrations/" + id).json();
    ScheduleDescription d = schedules.getHandle(scheduleId(c)).describe();
    assertThat(d.getSchedule().getSpec().getIntervals()).extracting(ScheduleIntervalSpec::getEvery)
        .containsExactly(Duration.ofMillis(db.get("periodMs").asLong()));
    assertThat(d.getSchedule().getState().isPaused()).isEqualTo(!db.get("syncEnabled").asBoolean());
    assertThat(ScheduleGateway.versionOf(d)).isEqualTo(db.get("version").asLong());
    assertThat(d.getTypedSearchAttributes().get(Names.INTEGRATION_ID)).isEqualTo(id);
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) d.getSchedule().getAction();
    assertThat(action.getWorkflowType()).isEqualTo("SyncConnectionWorkflow");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo(Names.SYNC_TASK_QUEUE);
    assertThat(action.getArguments().get(0, SyncRequest.class))
        .isEqualTo(new SyncRequest(id, c.get("id").asText(), c.get("customerId").asText()));
  }

  private static SearchAttributes ours(String integrationId, String customerId) {
    return SearchAttributes.newBuilder()
        .set(Names.INTEGRATION_ID, integrationId)
        .set(Names.CUSTOMER_ID, customerId)
        .set(Names.CONFIG_VERSION, 1L)
        .build();
  }

  private void createSchedule(String scheduleId, SearchAttributes attributes) {
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(SyncConnectionWorkflow.class)
            .setArguments(new SyncRequest("x", "y", "z"))
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(scheduleId).setTaskQueue("elsewhere").build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(1)))).build())
        .build();
    ScheduleOptions.Builder options = ScheduleOptions.newBuilder();
    if (attributes.size() > 0) {
      options.setTypedSearchAttributes(attributes);
    }
    schedules.createSchedule(scheduleId, schedule, options.build());
  }

  private boolean exists(String scheduleId) {
    try {
      schedules.getHandle(scheduleId).describe();
      return true;
    } catch (RuntimeException e) {
      if (ScheduleGateway.isNotFound(e)) {
        return false;
      }
      throw e;
    }
  }

  private static void assertUntouched(ScheduleDescription before, ScheduleDescription after) {
    assertThat(after.getSchedule().getSpec()).isEqualTo(before.getSchedule().getSpec());
    assertThat(after.getSchedule().getState().isPaused()).isEqualTo(before.getSchedule().getState().isPaused());
    ScheduleActionStartWorkflow a = (ScheduleActionStartWorkflow) after.getSchedule().getAction();
    ScheduleActionStartWorkflow b = (ScheduleActionStartWorkflow) before.getSchedule().getAction();
    assertThat(a.getOptions().getTaskQueue()).isEqualTo(b.getOptions().getTaskQueue());
    assertThat(a.getArguments().get(0, SyncRequest.class)).isEqualTo(b.getArguments().get(0, SyncRequest.class));
    assertThat(after.getTypedSearchAttributes().size()).isEqualTo(before.getTypedSearchAttributes().size());
  }

  private static JsonNode counts(int interval, int paused, int action, int version, int missing, int orphan) {
    return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of(
        "INTERVAL", interval, "PAUSED", paused, "ACTION", action, "VERSION", version, "ATTRIBUTES", 0,
        "MISSING", missing, "ORPHAN", orphan));
  }

  /**
   * Deletes a Schedule and creates it again by hand with exactly the Schedule syncplane wrote (its action, with
   * the action's own ConfigVersion), but none of the Schedule's own search attributes.
   */
  private void recreateWithoutItsSearchAttributes(String scheduleId) {
    Schedule written = schedules.getHandle(scheduleId).describe().getSchedule();
    schedules.getHandle(scheduleId).delete();
    schedules.createSchedule(scheduleId, written, ScheduleOptions.newBuilder().build());
    assertThat(schedules.getHandle(scheduleId).describe().getTypedSearchAttributes().size()).isZero();
  }

  private Map<String, Object> status(String id) {
    Response r = api.get("/api/v1/integrations/" + id + "/status");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode s = r.json().get("schedules");
    return Map.of("inSync", r.json().get("inSync").asBoolean(), "total", s.get("total").asInt(),
        "inSync#", s.get("inSync").asInt(), "stale", s.get("stale").asInt(), "missing", s.get("missing").asInt(),
        "drifted", s.get("drifted").asInt());
  }

  private static void awaitDriftRepairRunning() {
    Eventually.within(CONVERGE, () -> assertThat(ServiceHarness.workflows()
            .newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID, Optional.empty(), Optional.empty())
            .describe().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING));
  }

  /**
   * POST /api/v1/drift-repair; returns the report's scan id. On a slow machine with many integrations
   * left by earlier test classes the run may outlast the bounded wait (202): then wait through the Update.
   */
  private String repairNowOverRest() {
    Response r = api.post("/api/v1/drift-repair", null);
    assertThat(r.status()).as(r.toString()).isIn(200, 202);
    if (r.status() == 202) {
      assertThat(r.json().get("workflowId").asText()).isEqualTo(Names.DRIFT_REPAIR_WORKFLOW_ID);
      return ServiceHarness.workflows().newWorkflowStub(DriftRepairWorkflow.class, Names.DRIFT_REPAIR_WORKFLOW_ID)
          .repair(null).scanId();
    }
    assertThat(r.json().get("trigger").asText()).isEqualTo("ON_DEMAND");
    assertThat(r.json().get("deep").asBoolean()).isTrue();
    return r.json().get("scanId").asText();
  }

  @Test
  void theServiceStartsDriftRepairOnceAndNeverTwice() {
    awaitDriftRepairRunning();
    WorkflowStub running = ServiceHarness.workflows()
        .newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID, Optional.empty(), Optional.empty());
    String runId = running.describe().getExecution().getRunId();

    DriftRepairStarter.ensureRunning(ServiceHarness.workflows()); // as a second replica booting would
    assertThat(TestTemporal.get().cli(
            "workflow", "update", "execute", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID, "--name", "repair"))
        .contains("ON_DEMAND");
    assertThat(TestTemporal.get().cli(
            "workflow", "update", "execute", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID, "--name", "repair",
            "--input", "\"list\""))
        .contains("ON_DEMAND");

    assertThat(running.describe().getExecution().getRunId()).isEqualTo(runId);
    JsonNode view = api.get("/api/v1/drift-repair").json();
    assertThat(view.get("workflowRunning").asBoolean()).isTrue();
    assertThat(view.get("nextRunAt").asText()).isNotEmpty();
    assertThat(APP.getEnvironment().healthChecks().runHealthCheck("drift-repair").isHealthy()).isTrue();
  }

  @Test
  void aTerminatedDriftRepairIsStartedAgainAndItsHealthCheckRecovers() {
    awaitDriftRepairRunning();
    WorkflowStub running = ServiceHarness.workflows()
        .newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID, Optional.empty(), Optional.empty());
    String runId = running.describe().getExecution().getRunId();

    TestTemporal.get().cli("workflow", "terminate", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID,
        "--reason", "an operator's mistake");

    Eventually.within(CONVERGE, () -> {
      WorkflowStub current = ServiceHarness.workflows()
          .newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID, Optional.empty(), Optional.empty());
      assertThat(current.describe().getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      assertThat(current.describe().getExecution().getRunId()).isNotEqualTo(runId);
    });
    Eventually.within(CONVERGE, () ->
        assertThat(APP.getEnvironment().healthChecks().runHealthCheck("drift-repair").isHealthy()).isTrue());
    assertThat(TestTemporal.get().cli(
            "workflow", "update", "execute", "--workflow-id", Names.DRIFT_REPAIR_WORKFLOW_ID, "--name", "repair"))
        .contains("ON_DEMAND");
  }

  /** Runs a Dropwizard command of the service (with this test's config overrides) and returns what it printed. */
  private static synchronized String runCommand(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      APP.getApplication().run(args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
