package dev.syncplane.cli;

import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.api.IntegrationStatus.ScheduleCounts;
import dev.syncplane.core.Integration;
import dev.syncplane.service.StatusService;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code out-of-sync config.yml}: lists the integrations whose Schedules are not all in sync with the DB
 * (the same comparison as {@code GET …/status}), one a line; prints nothing else when all are in sync.
 */
public class OutOfSyncCommand extends ConfiguredCommand<SyncplaneConfiguration> {
  private final PrintStream out;

  public OutOfSyncCommand() {
    this(System.out);
  }

  public OutOfSyncCommand(PrintStream out) {
    super("out-of-sync", "List integrations whose Schedules are out of sync with the DB");
    this.out = out;
  }

  @Override
  protected void run(Bootstrap<SyncplaneConfiguration> bootstrap, Namespace namespace, SyncplaneConfiguration config)
      throws Exception {
    try (CliServices s = new CliServices(config)) {
      int pageSize = config.driftRepair.pageSize;
      StatusService status = new StatusService(s.integrations, s.connections, s.updates, s.gateway, pageSize, u -> null, id -> null);
      int outOfSync = 0;
      String after = null;
      List<Integration> page;
      do {
        page = s.integrations.page(after, pageSize);
        for (Integration i : page) {
          ScheduleCounts c = status.counts(i);
          if (c.inSync() != c.total()) {
            outOfSync++;
            out.printf("%s version=%d total=%d inSync=%d stale=%d missing=%d drifted=%d%n",
                i.id(), i.version(), c.total(), c.inSync(), c.stale(), c.missing(), c.drifted());
          }
        }
        after = page.isEmpty() ? after : page.get(page.size() - 1).id();
      } while (page.size() == pageSize);
      out.println(outOfSync + " integration(s) out of sync");
    }
  }
}
