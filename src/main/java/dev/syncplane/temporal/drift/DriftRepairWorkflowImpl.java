package dev.syncplane.temporal.drift;

import dev.syncplane.core.Ids;
import dev.syncplane.temporal.Waits;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The drift-repair loop: wait for the interval or a request; scan; let each suspect integration's
 * UpdateIntegrationWorkflow confirm and repair; store the report. Continues as new every {@link #CYCLES_PER_RUN} runs (or
 * when Temporal suggests it), carrying the last report and the next due time.
 */
public class DriftRepairWorkflowImpl implements DriftRepairWorkflow {
  static final int CYCLES_PER_RUN = 100;
  /** Integrations per repair activity, and repair activities in flight at once. */
  static final int CHUNK = 20;
  static final int PARALLEL = 4;
  /** Repair batches per run at most (larger batches when there are many suspects): bounds the history. */
  static final int MAX_BATCHES = 200;

  private final DriftActivities activities =
      Workflow.newActivityStub(
          DriftActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(2))
              .setHeartbeatTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(5) // then the report says so, and the next run tries again
                      .build())
              .build());

  /** Reading the worker's config cannot fail for long: retried until it answers. */
  private final DriftActivities config =
      Workflow.newActivityStub(
          DriftActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

  private DriftReport lastReport;
  private DriftReport lastOnDemand;
  private long cycle;
  private long nextRunAt;
  private boolean running;
  private boolean onDemandRequested;
  /** One of the on-demand requests waiting for the next run asked for a deep scan. */
  private boolean onDemandDeep;
  private final Set<String> integrationsRequested = new LinkedHashSet<>();
  private int onDemandStarted;
  private int onDemandFinished;
  private int scans;
  private String resumeAfter;
  /** Settings a replica announced at its start ({@link #settingsChanged}), not applied yet. */
  private DriftSettings announced;

  @WorkflowInit
  public DriftRepairWorkflowImpl(DriftRepairInput input) {
    this.lastReport = input.lastReport();
    this.cycle = input.cycle();
    this.nextRunAt = input.nextRunAtMillis();
    this.resumeAfter = input.resumeAfter();
  }

  @Override
  public void run(DriftRepairInput input) {
    DriftSettings settings = config.settings();
    if (nextRunAt == 0) {
      nextRunAt = Workflow.currentTimeMillis() + settings.intervalMs();
    }
    int runs = 0;
    while (true) {
      if ((runs >= CYCLES_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) && !pending()) {
        Workflow.await(() -> Workflow.isEveryHandlerFinished() || pending());
        if (!pending()) {
          Workflow.continueAsNew(new DriftRepairInput(lastReport, cycle, nextRunAt, resumeAfter));
        }
      }
      long wait = Math.max(0, nextRunAt - Workflow.currentTimeMillis());
      Waits.until(Duration.ofMillis(wait), () -> pending() || announced != null);
      if (announced != null) {
        // A replica started with these settings: a shorter interval applies now, not after the run already planned.
        settings = announced;
        announced = null;
        nextRunAt = Math.min(nextRunAt, Workflow.currentTimeMillis() + settings.intervalMs());
        continue;
      }
      if (onDemandRequested) {
        boolean deep = onDemandDeep;
        onDemandRequested = false;
        onDemandDeep = false;
        onDemandStarted++;
        lastOnDemand = runOnce(DriftReport.ON_DEMAND, deep, null, settings);
        onDemandFinished++;
      } else if (!integrationsRequested.isEmpty()) {
        List<String> only = new ArrayList<>(integrationsRequested);
        integrationsRequested.clear();
        runOnce(DriftReport.INTEGRATION, true, only, settings);
      } else if (Workflow.currentTimeMillis() >= nextRunAt) {
        cycle++;
        boolean deep = settings.deepScanEvery() > 0 && cycle % settings.deepScanEvery() == 0;
        runOnce(DriftReport.PERIODIC, deep, null, settings);
        nextRunAt = Workflow.currentTimeMillis() + settings.intervalMs();
      } else {
        continue;
      }
      runs++;
      settings = config.settings();
    }
  }

  private DriftReport runOnce(String trigger, boolean deep, List<String> only, DriftSettings settings) {
    running = true;
    Instant started = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String scanId = Workflow.getInfo().getRunId() + ":" + (++scans);
    DriftTally tally = new DriftTally(settings.maxIdsInReport());
    try {
      ScanResult scan =
          only != null ? new ScanResult(only, 0, 0, 0) : activities.scan(new ScanRequest(scanId, deep, resumeAfter));
      if (only == null) {
        resumeAfter = scan.resumeAfter();
      }
      tally.scanned(scan);
      List<String> suspects = scan.suspects();
      int chunk = Math.max(CHUNK, (suspects.size() + MAX_BATCHES - 1) / MAX_BATCHES);
      for (int from = 0; from < suspects.size(); from += chunk * PARALLEL) {
        List<Promise<List<IntegrationRepair>>> inFlight = new ArrayList<>();
        for (int i = from; i < Math.min(suspects.size(), from + chunk * PARALLEL); i += chunk) {
          List<String> ids = List.copyOf(suspects.subList(i, Math.min(suspects.size(), i + chunk)));
          RepairBatch batch = new RepairBatch(scanId, ids, settings.maxIdsInReport(), customersOf(scan, ids));
          inFlight.add(Async.function(activities::repairIntegrations, batch));
        }
        for (Promise<List<IntegrationRepair>> p : inFlight) {
          try {
            p.get().forEach(tally::add);
          } catch (ActivityFailure e) {
            tally.error(message(e));
          }
        }
      }
    } catch (ActivityFailure e) {
      tally.error(message(e));
    }
    DriftReport report =
        tally.report(scanId, trigger, deep, started, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
    lastReport = report;
    running = false;
    try {
      activities.store(report);
    } catch (ActivityFailure e) {
      // the report stays available through the query; the DB copy is lost for this run only
    }
    return report;
  }

  /** The suspect customers of these integrations, as far as the scan narrowed them down; null: check them whole. */
  private static Map<String, List<String>> customersOf(ScanResult scan, List<String> ids) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String id : ids) {
      List<String> customers = scan.customersOf(id);
      if (customers != null) {
        out.put(id, customers);
      }
    }
    return out.isEmpty() ? null : out;
  }

  private static String message(ActivityFailure e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause.getMessage();
  }

  private boolean pending() {
    return onDemandRequested || !integrationsRequested.isEmpty();
  }

  @Override
  public void settingsChanged(DriftSettings settings) {
    if (settings != null && settings.intervalMs() > 0) {
      announced = settings;
    }
  }

  @Override
  public void repairNow() {
    onDemandRequested = true;
    onDemandDeep = true;
  }

  @Override
  public void repairIntegration(String integrationId) {
    if (Ids.isValid(integrationId)) { // an id that cannot exist would only start an empty UpdateIntegrationWorkflow
      integrationsRequested.add(integrationId);
    } else {
      Workflow.getLogger(DriftRepairWorkflowImpl.class).warn("repairIntegration ignored: not an integration id");
    }
  }

  @Override
  public void validateRepair(String scan) {
    ScanMode.parse(scan); // an IllegalArgumentException rejects the Update before it is in the history
  }

  @Override
  public DriftReport lastReport() {
    return lastReport;
  }

  @Override
  public DriftState state() {
    return new DriftState(running, nextRunAt == 0 ? null : Instant.ofEpochMilli(nextRunAt), lastReport);
  }

  @Override
  public DriftReport repair(String scan) {
    int ticket = onDemandStarted + 1; // a scan that starts after this request
    onDemandRequested = true;
    if (ScanMode.parse(scan) == ScanMode.DEEP) {
      onDemandDeep = true;
    }
    Workflow.await(() -> onDemandFinished >= ticket);
    return lastOnDemand;
  }
}
