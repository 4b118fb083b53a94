package dev.syncplane.support;

import dev.syncplane.SyncplaneApplication;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as a separate OS process ({@code java … SyncplaneApplication server config.yml}), against
 * the test PostgreSQL and Temporal dev server, so that a test can SIGKILL it mid-work and start it
 * again. Configured with {@link ServiceHarness#defaults()} and the test's settings as {@code -Ddw.…} overrides; output goes to
 * {@code target/<name>.log}.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(90);

  private final String name;
  private final Map<String, String> overrides;
  private final Path log;
  private List<String> jvmOptions = List.of("-Xmx384m", "-XX:+UseSerialGC");
  private Process process;
  private int port;
  private int adminPort;

  /** @param extra config overrides (Dropwizard paths such as {@code fanOut.batchSize}) on top of the test defaults */
  public ServiceProcess(String name, Map<String, String> extra) {
    this.name = name;
    this.overrides = ServiceHarness.defaults();
    this.overrides.putAll(extra);
    this.log = Path.of("target", name + ".log").toAbsolutePath();
  }

  /** Starts the process on fresh free ports and waits until every health check is green. */
  public synchronized ServiceProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    try {
      port = TestPostgres.freePort();
      adminPort = TestPostgres.freePort();
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = new LinkedHashMap<>(overrides);
    config.put("server.applicationConnectors[0].port", Integer.toString(port));
    config.put("server.adminConnectors[0].port", Integer.toString(adminPort));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath()));
    config.forEach((key, value) -> command.add("-Ddw." + key + "=" + value));
    command.addAll(List.of(SyncplaneApplication.class.getName(), "server", "config.yml"));
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitHealthy();
    return this;
  }

  /** The JVM options for the next {@link #start()} (the tests' default: a 384 MiB heap, serial GC). */
  public ServiceProcess jvmOptions(List<String> options) {
    this.jvmOptions = List.copyOf(options);
    return this;
  }

  public long pid() {
    return process.pid();
  }

  public Api admin() {
    return new Api("http://127.0.0.1:" + adminPort, null);
  }

  /** SIGKILL: no shutdown hook, no graceful worker stop, in-flight activities simply vanish. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Api api() {
    return new Api("http://localhost:" + port, ServiceHarness.TOKEN);
  }

  /** A graceful stop (SIGTERM), for the end of a test. */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthcheck"))
        .timeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(READY);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException notYet) {
        last = notYet.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(name + " not healthy within " + READY + " (" + last + "); see " + log);
  }

  /**
   * The test runtime classpath. Surefire sets {@code java.class.path} to it even when it boots the test
   * JVM from a manifest-only jar; a single booter jar would not do for a child process, so refuse it.
   */
  private static String classpath() {
    String classpath = System.getProperty("java.class.path");
    String[] entries = classpath.split(File.pathSeparator);
    if (entries.length == 1 && entries[0].contains("surefirebooter")) {
      throw new IllegalStateException("java.class.path is surefire's booter jar, not the test classpath: " + classpath);
    }
    return classpath;
  }
}
