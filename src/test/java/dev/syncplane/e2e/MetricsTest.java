package dev.syncplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.SyncplaneApplication;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.ServiceHarness;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The syncplane.* metrics move when the service works, and Prometheus can scrape them from the admin
 * port. Real Temporal dev server and PostgreSQL; the metrics are read the way Prometheus reads them.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsTest {
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final Api api = ServiceHarness.api(APP);
  private final Api admin = new Api("http://127.0.0.1:" + APP.getAdminPort(), null);

  @Test
  void aPutMovesUpdateFanOutAndSyncMetricsInPrometheusText() {
    String id = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(api.post("/api/v1/integrations", Map.of("id", id, "provider", "stripe", "name", "Stripe", "periodMs", 3_600_000)).status())
        .isEqualTo(201);
    String connectionId = null;
    for (String customer : new String[] {"a", "b", "c"}) {
      Response r = api.post("/api/v1/integrations/" + id + "/connections", Map.of("customerId", customer));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      connectionId = r.json().get("id").asText();
    }
    Map<String, Double> before = scrape();

    Response put = api.put("/api/v1/integrations/" + id, Map.of("name", "Stripe", "periodMs", 7_200_000), Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);

    Map<String, Double> afterPut = scrape();
    assertThat(afterPut.get("syncplane_update_accept_count")).isEqualTo(before.get("syncplane_update_accept_count") + 1);
    // The fan-out runs after the answer: every Schedule written, then the run APPLIED with its propagation time.
    Eventually.within(PATIENCE, () -> {
      Map<String, Double> now = scrape();
      assertThat(now.get("syncplane_fanout_schedules_written_total"))
          .isGreaterThanOrEqualTo(before.get("syncplane_fanout_schedules_written_total") + 3);
      // Counted on the wire: an UpdateSchedule for each of the 3 Schedules, at least.
      assertThat(now.get("syncplane_temporal_schedule_rpcs_total"))
          .isGreaterThanOrEqualTo(before.get("syncplane_temporal_schedule_rpcs_total") + 3);
      assertThat(now.get("syncplane_update_propagation_count"))
          .isGreaterThanOrEqualTo(before.get("syncplane_update_propagation_count") + 1);
    });
    assertThat(api.get("/api/v1/integrations/" + id + "/updates").json().get(0).get("state").asText()).isEqualTo("APPLIED");

    Response sync = api.post("/api/v1/integrations/" + id + "/connections/" + connectionId + "/sync", null);
    assertThat(sync.status()).as(sync.toString()).isEqualTo(202);
    Eventually.within(PATIENCE, () -> assertThat(scrape().get("syncplane_sync_runs_succeeded_total"))
        .isGreaterThanOrEqualTo(before.get("syncplane_sync_runs_succeeded_total") + 1));
  }

  @Test
  void prometheusTextCarriesTheDropwizardRegistryAndEverySyncplaneMetricFromTheStart() {
    Response r = admin.get(SyncplaneApplication.PROMETHEUS_PATH);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain");
    Map<String, Double> samples = parse(r.raw());
    assertThat(samples).containsKeys(
        "syncplane_update_accept_count",
        "syncplane_update_propagation_count",
        "syncplane_fanout_schedules_written_total",
        "syncplane_fanout_schedules_checked_total",
        "syncplane_temporal_schedule_rpcs_total",
        "syncplane_sync_runs_succeeded_total",
        "syncplane_sync_runs_failed_total",
        "syncplane_sync_runs_skipped_total",
        "syncplane_sync_duration_count",
        "io_dropwizard_jetty_MutableServletContextHandler_requests_count");
    // The same registry as Dropwizard's JSON /metrics: one source, two formats.
    assertThat(admin.get("/metrics").json().get("timers").has("syncplane.update.accept")).isTrue();
  }

  @Test
  void theAdminPortListensOnLoopbackByDefault() {
    DefaultServerFactory server = (DefaultServerFactory) APP.getConfiguration().getServerFactory();
    assertThat(((HttpConnectorFactory) server.getAdminConnectors().get(0)).getBindHost()).isEqualTo("127.0.0.1");
    assertThat(((HttpConnectorFactory) server.getApplicationConnectors().get(0)).getBindHost()).isEqualTo("0.0.0.0");
  }

  private Map<String, Double> scrape() {
    Response r = admin.get(SyncplaneApplication.PROMETHEUS_PATH);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return parse(r.raw());
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);

  /** Unlabelled samples (and the first of each labelled name) of the Prometheus text format. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new java.util.HashMap<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      out.putIfAbsent(m.group(1), Double.parseDouble(m.group(3)));
    }
    return out;
  }
}
