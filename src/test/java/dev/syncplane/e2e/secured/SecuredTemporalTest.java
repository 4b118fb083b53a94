package dev.syncplane.e2e.secured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.health.TemporalHealthCheck;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestCertificates;
import dev.syncplane.support.TestCertificates.Leaf;
import dev.syncplane.support.TestPostgres;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * syncplane against the REAL Temporal server (bin/temporal-server, the binary bin/test builds) with TLS on its
 * frontend and client certificates required, certificates made here by keytool: a CA, the server's certificate,
 * clients signed by that CA (valid, expired, not yet valid) and one signed by another CA. One server start for
 * the class, on the test PostgreSQL. Fails, rather than skips, when the server binary is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredTemporalTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path DIR = ROOT.resolve("target/secured-temporal");
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  private static Map<String, String> serverEnv;
  private static String address;
  private static Path ca;
  private static Leaf clientA;
  private static Leaf clientOtherCa;
  private static Leaf expired;
  private static Leaf notYetValid;

  @BeforeAll
  static void startSecuredServer() throws Exception {
    Path binary = serverBinary();
    if (!Files.isExecutable(binary)) {
      fail("no Temporal server at " + binary + ": this test needs the real server; build it first with"
          + " `bin/temporal-server --build` (bin/test does, before its first Maven run)");
    }
    deleteRecursively(DIR);
    TestCertificates certs = new TestCertificates(DIR.resolve("certs"));
    ca = certs.ca("ca-a");
    certs.ca("ca-b");
    Leaf server = certs.leaf("server", "ca-a", "-1d", 10);
    clientA = certs.leaf("client-a", "ca-a", "-1d", 10);
    clientOtherCa = certs.leaf("client-b", "ca-b", "-1d", 10);
    expired = certs.leaf("client-expired", "ca-a", "-3d", 1);
    notYetValid = certs.leaf("client-future", "ca-a", "+2d", 5);

    int port = freeBasePort();
    serverEnv = new HashMap<>();
    serverEnv.put("TEMPORAL_SERVER_STATE", DIR.resolve("state").toString());
    serverEnv.put("TEMPORAL_PORT", Integer.toString(port));
    // On the test JVM's PostgreSQL (its own databases temporal and temporal_visibility): no second PostgreSQL, no
    // nested Maven run for the embedded one's classpath, no jar build (the search attributes come from Names).
    serverEnv.put("POSTGRES_SEEDS", "127.0.0.1");
    serverEnv.put("DB_PORT", Integer.toString(TestPostgres.get().getPort()));
    serverEnv.put("POSTGRES_USER", "postgres");
    serverEnv.put("POSTGRES_PWD", "postgres");
    serverEnv.put("SETUP_SKIP_JAR", "1");
    serverEnv.put("SYNCPLANE_SEARCH_ATTRIBUTES", String.join("\n", Names.CUSTOM_SEARCH_ATTRIBUTES));
    // The image's variables (the server's config template): TLS on the frontend and between its services, client
    // certificates required, signed by CA A.
    serverEnv.put("TEMPORAL_TLS_REQUIRE_CLIENT_AUTH", "true");
    serverEnv.put("TEMPORAL_TLS_FRONTEND_CERT", server.cert().toString());
    serverEnv.put("TEMPORAL_TLS_FRONTEND_KEY", server.key().toString());
    serverEnv.put("TEMPORAL_TLS_CLIENT1_CA_CERT", ca.toString());
    serverEnv.put("TEMPORAL_TLS_CLIENT2_CA_CERT", ca.toString());
    serverEnv.put("TEMPORAL_TLS_SERVER_CERT", server.cert().toString());
    serverEnv.put("TEMPORAL_TLS_SERVER_KEY", server.key().toString());
    serverEnv.put("TEMPORAL_TLS_SERVER_CA_CERT", ca.toString());
    serverEnv.put("TEMPORAL_TLS_INTERNODE_SERVER_NAME", "localhost");
    serverEnv.put("TEMPORAL_TLS_FRONTEND_SERVER_NAME", "localhost");
    // The temporal CLI the script calls (namespace, search attributes), with client A.
    serverEnv.put("TEMPORAL_TLS_CLIENT_CERT_PATH", clientA.cert().toString());
    serverEnv.put("TEMPORAL_TLS_CLIENT_KEY_PATH", clientA.key().toString());
    serverEnv.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", ca.toString());
    serverEnv.put("TEMPORAL_TLS_SERVER_NAME", "localhost");
    address = script("--background", Duration.ofSeconds(150)).trim();
    assertThat(address).isEqualTo("127.0.0.1:" + port);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (serverEnv != null) {
      script("--stop", Duration.ofSeconds(60));
    }
  }

  private static TemporalFactory factory(Leaf client, String serverName) {
    TemporalFactory factory = new TemporalFactory();
    factory.target = address;
    factory.tls.ca = ca.toString();
    factory.tls.serverName = serverName;
    if (client != null) {
      factory.tls.cert = client.cert().toString();
      factory.tls.key = client.key().toString();
    }
    return factory;
  }

  /** The temporal health check of stubs built by {@code factory}, as the service registers it. */
  private static HealthCheck.Result health(TemporalFactory factory) {
    WorkflowServiceStubs stubs = factory.buildStubs();
    try {
      return new TemporalHealthCheck(stubs, "default", factory.tlsCredentials()).execute();
    } finally {
      stubs.shutdownNow();
      factory.close();
    }
  }

  @Test
  @Order(1)
  void aClientWithTheCasCertificateIsServed() {
    HealthCheck.Result result = health(factory(clientA, "localhost"));
    assertThat(result.isHealthy()).as(result.getMessage()).isTrue();
  }

  @Test
  @Order(2)
  void aClientWithoutCertificateIsRefusedAndTheHealthCheckSaysWhy() {
    HealthCheck.Result result = health(factory(null, "localhost"));
    System.out.println("without certificate: " + result.getMessage());
    assertThat(result.isHealthy()).isFalse();
    assertThat(result.getMessage()).contains("unreachable").contains("TLS failed").containsIgnoringCase("certificate");
  }

  @Test
  @Order(3)
  void aClientCertificateFromAnotherCaIsRefusedAndTheHealthCheckSaysWhy() {
    HealthCheck.Result result = health(factory(clientOtherCa, "localhost"));
    System.out.println("other CA: " + result.getMessage());
    assertThat(result.isHealthy()).isFalse();
    assertThat(result.getMessage()).contains("TLS failed").contains("temporal.tls.cert");
  }

  @Test
  @Order(4)
  void aWrongServerNameIsNamed() {
    HealthCheck.Result result = health(factory(clientA, "wrong.example"));
    System.out.println("wrong server name: " + result.getMessage());
    assertThat(result.isHealthy()).isFalse();
    assertThat(result.getMessage()).contains("TLS failed").contains("temporal.tls.serverName");
  }

  @Test
  @Order(5)
  void expiredAndNotYetValidCertificatesAreNamed() {
    HealthCheck.Result old = health(factory(expired, "localhost"));
    System.out.println("expired: " + old.getMessage());
    assertThat(old.isHealthy()).isFalse();
    assertThat(old.getMessage()).contains("TLS failed").contains("expired at").contains("client-expired.pem");
    HealthCheck.Result future = health(factory(notYetValid, "localhost"));
    System.out.println("not yet valid: " + future.getMessage());
    assertThat(future.isHealthy()).isFalse();
    assertThat(future.getMessage()).contains("TLS failed").contains("not valid before").contains("client-future.pem");
  }

  /**
   * The service starts with a certificate the server refuses (red, saying why), the files are replaced by valid
   * ones, and without a restart the service reconnects and an update propagates to the Schedules.
   */
  @Test
  @Order(6)
  void theServicePicksUpAReplacedCertificateAndPropagatesAnUpdate() throws Exception {
    Path live = Files.createDirectories(DIR.resolve("live"));
    Path cert = live.resolve("client.pem");
    Path key = live.resolve("client.key");
    replace(clientOtherCa.key(), key);
    replace(clientOtherCa.cert(), cert);
    Map<String, String> settings = ServiceHarness.withoutTemporal();
    settings.put("temporal.target", address);
    settings.put("temporal.tls.cert", cert.toString());
    settings.put("temporal.tls.key", key.toString());
    settings.put("temporal.tls.ca", ca.toString());
    settings.put("temporal.tls.serverName", "localhost");
    settings.put("temporal.tls.refreshInterval", "1s");
    DropwizardAppExtension<SyncplaneConfiguration> app = ServiceHarness.app(settings);
    app.before();
    TemporalFactory ours = factory(clientA, "localhost");
    WorkflowServiceStubs stubs = ours.buildStubs();
    try {
      HealthCheck.Result refused = app.getEnvironment().healthChecks().runHealthCheck("temporal");
      System.out.println("service with the other CA's certificate: " + refused.getMessage());
      assertThat(refused.isHealthy()).isFalse();
      assertThat(refused.getMessage()).contains("TLS failed").contains("temporal.tls.cert");

      replace(clientA.key(), key);
      replace(clientA.cert(), cert);
      Eventually.within(CONVERGE, () -> {
        HealthCheck.Result now = app.getEnvironment().healthChecks().runHealthCheck("temporal");
        assertThat(now.isHealthy()).as(now.getMessage()).isTrue();
      });

      Integrations integrations = new Integrations(ServiceHarness.api(app), ScheduleClient.newInstance(stubs, ours.scheduleClientOptions()));
      String id = integrations.create(Integrations.newId("secured"), 60_000);
      List<JsonNode> connections = integrations.connect(id, 2);
      Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));
      Response patched = ServiceHarness.api(app).patch(Integrations.path(id), Map.of("periodMs", 120_000), Map.of());
      assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
      Eventually.within(CONVERGE, () -> {
        integrations.assertSchedulesMatchDb(id, connections);
        for (JsonNode c : connections) {
          assertThat(integrations.scheduleVersion(c.get("scheduleId").asText())).hasValue(2);
        }
      });
    } finally {
      stubs.shutdownNow();
      ours.close();
      app.after();
    }
  }

  /** Copies {@code from} over {@code to} in one step (a rename), as a certificate rotation would. */
  private static void replace(Path from, Path to) throws IOException {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** .tools/temporal-server-<version>/server, the version of docker-compose.yml's temporalio/server image. */
  private static Path serverBinary() throws IOException {
    Matcher m = Pattern.compile("(?m)^\\s*image:\\s*temporalio/server:([0-9][0-9.]*)\\s*$")
        .matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
    if (!m.find()) {
      fail("no temporalio/server:<version> image in docker-compose.yml");
    }
    return ROOT.resolve(".tools/temporal-server-" + m.group(1) + "/server");
  }

  /** Runs bin/temporal-server with {@link #serverEnv}; returns its stdout, fails with its output otherwise. */
  private static String script(String mode, Duration timeout) throws Exception {
    Files.createDirectories(DIR);
    Path log = DIR.resolve("temporal-server" + mode + ".log");
    ProcessBuilder pb = new ProcessBuilder(List.of(ROOT.resolve("bin/temporal-server").toString(), mode))
        .directory(ROOT.toFile())
        .redirectError(log.toFile());
    pb.environment().putAll(serverEnv);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroy();
      fail("bin/temporal-server " + mode + " did not finish in " + timeout + ": " + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      fail("bin/temporal-server " + mode + " failed (" + p.exitValue() + "): " + Files.readString(log)
          + "\nserver log: " + DIR.resolve("state/server.log"));
    }
    return out;
  }

  /** A frontend port whose neighbours (bin/temporal-server's other ports) are free too. */
  private static int freeBasePort() throws IOException {
    Random random = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 21000 + random.nextInt(11000); // the server keeps its ports in a smallint column: below 32768
      boolean free = true;
      for (int offset : new int[] {0, 10, 1, 2, 6, -300, -299, -298, -294}) {
        try (ServerSocket s = new ServerSocket(base + offset, 1, java.net.InetAddress.getLoopbackAddress())) {
          // free
        } catch (IOException busy) {
          free = false;
          break;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no free port range for the Temporal server");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.delete(p);
      }
    }
  }
}
