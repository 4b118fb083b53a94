package dev.syncplane.temporal.drift;

import dev.syncplane.metrics.SyncplaneMetrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.db.DriftReportDao;
import dev.syncplane.service.UpdateSender;
import dev.syncplane.temporal.schedules.DriftKind;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public class DriftActivitiesImpl implements DriftActivities {
  /** How long one wait for an UpdateIntegrationWorkflow's answer lasts before the activity heartbeats and asks again. */
  private static final Duration POLL = Duration.ofSeconds(20);

  private final DriftSettings settings;
  private final DriftScanner scanner;
  private final UpdateSender sender;
  private final DriftReportDao reports;
  private final SyncplaneMetrics metrics;
  private final ObjectMapper json;

  public DriftActivitiesImpl(
      DriftSettings settings,
      DriftScanner scanner,
      UpdateSender sender,
      DriftReportDao reports,
      SyncplaneMetrics metrics,
      ObjectMapper json) {
    this.settings = settings;
    this.scanner = scanner;
    this.sender = sender;
    this.reports = reports;
    this.metrics = metrics;
    this.json = json;
  }

  @Override
  public DriftSettings settings() {
    return settings;
  }

  @Override
  public ScanResult scan(ScanRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    return scanner.scan(request.deep(), request.resumeAfter(), () -> context.heartbeat(null));
  }

  @Override
  public List<IntegrationRepair> repairIntegrations(RepairBatch batch) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    List<IntegrationRepair> results = new ArrayList<>();
    for (String integrationId : batch.integrationIds()) {
      RepairCommand command =
          new RepairCommand(integrationId, batch.scanId(), batch.maxIds(), false, batch.customersOf(integrationId));
      String updateId = "drift:" + batch.scanId() + ":" + integrationId;
      results.add(repairOne(command, updateId, context));
    }
    return results;
  }

  private IntegrationRepair repairOne(RepairCommand command, String updateId, ActivityExecutionContext context) {
    while (true) {
      try {
        Optional<IntegrationRepair> result =
            sender.submit(command.integrationId(), updateId, stub -> stub::repair, command, IntegrationRepair.class, POLL);
        if (result.isPresent()) {
          return result.get();
        }
        context.heartbeat(command.integrationId()); // still running: the same update id joins it again
      } catch (ApiException e) {
        if (e.code() == ErrorCode.TEMPORAL_UNAVAILABLE || e.code() == ErrorCode.TEMPORAL_THROTTLED) {
          throw e; // the activity retries
        }
        return IntegrationRepair.skipped(command.integrationId(), e.getMessage()); // e.g. being deleted
      } catch (RuntimeException e) {
        // One integration's failure must not hold back the others of the batch; the next run retries it.
        return IntegrationRepair.failed(command.integrationId(), e.toString());
      }
    }
  }

  @Override
  public void store(DriftReport report) {
    String body;
    try {
      body = json.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    int inserted =
        reports.insert(report.scanId(), report.trigger(), report.startedAt(), report.finishedAt(), report.repaired(), body);
    if (inserted == 1) {
      metrics.driftRun(report);
    }
  }
}
