package dev.syncplane.support;

import dev.syncplane.SyncplaneApplication;
import dev.syncplane.SyncplaneConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The service as bin/dev runs it (the project's config.yml), against the real Temporal dev server and
 * a real PostgreSQL, with test overrides: random ports, a 1 s minimum period, a known token.
 */
public final class ServiceHarness {
  public static final String TOKEN = "test-token";

  private ServiceHarness() {}

  public static DropwizardAppExtension<SyncplaneConfiguration> app(ConfigOverride... extra) {
    List<ConfigOverride> overrides = new ArrayList<>(List.of(
        ConfigOverride.config("database.url", TestPostgres.jdbcUrl()),
        ConfigOverride.config("temporal.target", TestTemporal.get().target()),
        ConfigOverride.config("api.token", TOKEN),
        ConfigOverride.config("api.minPeriodMs", "1000"),
        ConfigOverride.config("api.updateWaitMs", "10000"),
        ConfigOverride.config("fanOut.idleTimeoutMs", "5000"),
        ConfigOverride.config("simulatedSyncMaxLatencyMs", "20"),
        ConfigOverride.config("server.applicationConnectors[0].port", "0"),
        ConfigOverride.config("server.adminConnectors[0].port", "0"),
        ConfigOverride.config("logging.level", "WARN")));
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
      stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(TestTemporal.get().target()).build());
    }
    return stubs;
  }

  public static ScheduleClient schedules() {
    return ScheduleClient.newInstance(stubs(), ScheduleClientOptions.newBuilder().setNamespace("default").build());
  }

  public static WorkflowClient workflows() {
    return WorkflowClient.newInstance(stubs());
  }
}
