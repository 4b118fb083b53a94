package dev.syncplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.drift.DriftChecker;
import dev.syncplane.temporal.drift.DriftReport;
import dev.syncplane.temporal.drift.DriftRepairWorkflow;
import dev.syncplane.temporal.drift.DriftScanner;
import dev.syncplane.temporal.drift.DriftTally;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import dev.syncplane.temporal.drift.ScanMode;
import dev.syncplane.temporal.drift.ScanResult;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code repair-drift config.yml}: asks the drift-repair workflow for a deep run now (its Update
 * {@code repair}) and prints the report; {@code --scan list} asks for a list-based run. {@code
 * --dry-run}: runs the same scan and the same per-Schedule comparison here, describing every Schedule
 * (with {@code --scan list}: the suspects only), and prints what would change; writes nothing.
 */
public class RepairDriftCommand extends ConfiguredCommand<SyncplaneConfiguration> {
  private final PrintStream out;

  public RepairDriftCommand() {
    this(System.out);
  }

  public RepairDriftCommand(PrintStream out) {
    super("repair-drift", "Repair drift between the DB and the Schedules now (--dry-run: only print what would change)");
    this.out = out;
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("--dry-run").action(Arguments.storeTrue()).dest("dryRun")
        .help("print what would change, change nothing");
    subparser.addArgument("--scan").choices(ScanMode.DEEP.value(), ScanMode.LIST.value()).setDefault(ScanMode.DEEP.value())
        .help("deep: describe every Schedule; list: only those the Schedule list shows as drifted, missing or orphaned");
  }

  @Override
  protected void run(Bootstrap<SyncplaneConfiguration> bootstrap, Namespace namespace, SyncplaneConfiguration config)
      throws Exception {
    ObjectMapper json = bootstrap.getObjectMapper();
    try (CliServices services = new CliServices(config)) {
      DriftReport report;
      ScanMode scan = ScanMode.parse(namespace.getString("scan"));
      if (Boolean.TRUE.equals(namespace.getBoolean("dryRun"))) {
        report = dryRun(services, config, scan);
      } else {
        DriftRepairWorkflow workflow = services.client.newWorkflowStub(DriftRepairWorkflow.class, Names.DRIFT_REPAIR_WORKFLOW_ID);
        report = workflow.repair(scan.value());
      }
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }
  }

  private DriftReport dryRun(CliServices s, SyncplaneConfiguration config, ScanMode mode) {
    int pageSize = config.driftRepair.pageSize;
    Instant started = Instant.now();
    boolean deep = mode == ScanMode.DEEP;
    ScanResult scan = new DriftScanner(s.integrations, s.connections, s.updates, s.gateway, pageSize).scan(deep, () -> {});
    ExecutorService pool = Executors.newFixedThreadPool(config.fanOut.parallelism);
    DriftTally tally = new DriftTally(Integer.MAX_VALUE).scanned(scan);
    try {
      DriftChecker checker = new DriftChecker(s.integrations, s.connections, s.gateway, pageSize, pool);
      for (String integrationId : scan.suspects()) {
        boolean propagating = s.updates.active(integrationId).isPresent();
        IntegrationRepair r =
            checker.check(
                new RepairCommand(integrationId, "dry-run", Integer.MAX_VALUE, propagating, scan.customersOf(integrationId)),
                false,
                () -> {});
        r.ids().forEach((kind, ids) -> ids.forEach(id -> out.println("would repair " + kind + " " + id)));
        tally.add(r);
      }
    } finally {
      pool.shutdownNow();
    }
    out.println("dry run: nothing was changed");
    return tally.report("dry-run", DriftReport.DRY_RUN, deep, started, Instant.now());
  }

}
