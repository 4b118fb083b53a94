package dev.syncplane.support;

import dev.syncplane.SyncplaneApplication;
import dev.syncplane.SyncplaneConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service as bin/dev runs it (the project's config.yml), against the real Temporal dev server and
 * a real PostgreSQL, with test overrides: random ports, a 1 s minimum period, a known token.
 */
public final class ServiceHarness {
  public static final String TOKEN = "test-token";

  private ServiceHarness() {}

  /** The test settings on top of config.yml, as Dropwizard config paths (ports aside). */
  public static Map<String, String> defaults() {
    Map<String, String> settings = withoutTemporal();
    settings.put("temporal.target", TestTemporal.get().target());
    TestTemporal.get().security().forEach((path, value) -> settings.put("temporal." + path, value));
    return settings;
  }

  /**
   * {@link #defaults()} without the test Temporal server, for a test that brings its own (it then sets
   * {@code temporal.target} and whatever security that server needs); starts no dev server.
   */
  public static Map<String, String> withoutTemporal() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("database.url", TestPostgres.jdbcUrl());
    settings.put("api.token", TOKEN);
    settings.put("api.minPeriodMs", "1000");
    settings.put("api.updateWaitMs", "10000");
    settings.put("fanOut.idleTimeoutMs", "5000");
    settings.put("simulatedSyncMaxLatencyMs", "20");
    settings.put("logging.level", "WARN");
    return settings;
  }

  /**
   * The service with {@link #defaults()} and random ports, plus {@code extra} overrides that must not
   * name a default: DropwizardTestSupport keeps overrides in a Set, so which of two overrides of the
   * same path wins is random. To change a default, use {@link #app(Map)}.
   */
  public static DropwizardAppExtension<SyncplaneConfiguration> app(ConfigOverride... extra) {
    return app(Map.of(), extra);
  }

  /** The service with {@link #defaults()} replaced or extended by {@code settings}, and random ports. */
  public static DropwizardAppExtension<SyncplaneConfiguration> app(Map<String, String> settings, ConfigOverride... extra) {
    Map<String, String> merged = settings.containsKey("temporal.target") ? withoutTemporal() : defaults();
    merged.putAll(settings);
    merged.put("server.applicationConnectors[0].port", "0");
    merged.put("server.adminConnectors[0].port", "0");
    List<ConfigOverride> overrides = new ArrayList<>();
    merged.forEach((key, value) -> overrides.add(ConfigOverride.config(key, value)));
    overrides.addAll(List.of(extra));
    return new DropwizardAppExtension<>(SyncplaneApplication.class, "config.yml", overrides.toArray(ConfigOverride[]::new));
  }

  public static Api api(DropwizardAppExtension<?> app) {
    return new Api("http://localhost:" + app.getLocalPort(), TOKEN);
  }

  public static Api anonymous(DropwizardAppExtension<?> app) {
    return new Api("http://localhost:" + app.getLocalPort(), null);
  }

  private static WorkflowServiceStubs stubs;

  /** Clients of our own, to look at Temporal the way an operator would. */
  public static synchronized WorkflowServiceStubs stubs() {
    if (stubs == null) {
      // as the service talks to Temporal: compression, and TLS and API key for an external server
      // (the SDK's default retries, not the service's short ones)
      stubs = WorkflowServiceStubs.newServiceStubs(TestTemporal.get().factory().stubsOptions()
          .setRpcRetryOptions(io.temporal.serviceclient.rpcretry.DefaultStubServiceOperationRpcRetryOptions.INSTANCE)
          .build());
    }
    return stubs;
  }

  /** The test server's namespace, as every Schedule client here uses it. */
  public static ScheduleClientOptions scheduleOptions() {
    return ScheduleClientOptions.newBuilder().setNamespace("default").build();
  }

  /** syncplane's own gateway to the test server's Schedules, without a rate budget. */
  public static dev.syncplane.temporal.schedules.ScheduleGateway gateway() {
    return new dev.syncplane.temporal.schedules.ScheduleGateway(stubs(), scheduleOptions(), 0);
  }

  public static ScheduleClient schedules() {
    return ScheduleClient.newInstance(stubs(), scheduleOptions());
  }

  public static WorkflowClient workflows() {
    return WorkflowClient.newInstance(stubs());
  }

  /** The executions the test server's visibility lists for {@code query}, as the Temporal UI and CLI list them. */
  public static List<io.temporal.api.workflow.v1.WorkflowExecutionInfo> listWorkflows(String query) {
    return stubs().blockingStub()
        .listWorkflowExecutions(io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest.newBuilder()
            .setNamespace(scheduleOptions().getNamespace()).setQuery(query).build())
        .getExecutionsList();
  }
}
