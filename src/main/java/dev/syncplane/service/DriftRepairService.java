package dev.syncplane.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.DriftRepairPending;
import dev.syncplane.api.DriftRepairView;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.db.DriftReportDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import dev.syncplane.temporal.TemporalFailures;
import dev.syncplane.temporal.drift.DriftReport;
import dev.syncplane.temporal.drift.DriftState;
import dev.syncplane.temporal.drift.ScanMode;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@code /api/v1/drift-repair}: the report from the DB, the schedule from the workflow, repairs through its Update. */
public class DriftRepairService {
  private final WorkflowClient client;
  private final DriftReportDao reports;
  private final ObjectMapper json;
  private final TemporalFactory temporal;
  private final Duration wait;

  public DriftRepairService(
      WorkflowClient client, DriftReportDao reports, ObjectMapper json, TemporalFactory temporal, Duration wait) {
    this.client = client;
    this.reports = reports;
    this.json = json;
    this.temporal = temporal;
    this.wait = wait;
  }

  /** A report, or the run still going on after the bounded wait. */
  public record Outcome(DriftReport report, DriftRepairPending pending) {}

  public DriftRepairView get() {
    DriftReport stored = reports.latest().map(this::parse).orElse(null);
    DriftState state;
    try {
      state = workflow().query("state", DriftState.class);
    } catch (RuntimeException e) {
      if (!TemporalFailures.isNotFound(e)) {
        throw TemporalErrors.forRead(e);
      }
      state = null; // not started yet
    }
    DriftReport last = stored;
    if (state != null && state.lastReport() != null
        && (last == null || state.lastReport().finishedAt().isAfter(last.finishedAt()))) {
      last = state.lastReport(); // stored a moment later
    }
    return new DriftRepairView(
        Names.DRIFT_REPAIR_WORKFLOW_ID,
        state != null,
        state != null && state.running(),
        state == null ? null : state.nextRunAt(),
        temporal.workflowUiUrl(Names.DRIFT_REPAIR_WORKFLOW_ID, null),
        last);
  }

  public Outcome repairNow(ScanMode scan) {
    String updateId = "api-" + UUID.randomUUID();
    WorkflowUpdateHandle<DriftReport> handle;
    try {
      handle =
          workflow()
              .startUpdate(
                  UpdateOptions.newBuilder(DriftReport.class)
                      .setUpdateName("repair")
                      .setUpdateId(updateId)
                      .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                      .build(),
                  scan.value());
    } catch (RuntimeException e) {
      throw TemporalFailures.isNotFound(e) ? notRunning() : TemporalErrors.forAction(e);
    }
    Optional<DriftReport> report;
    try {
      report = UpdateSender.awaitResult(handle, wait);
    } catch (RuntimeException e) {
      if (TemporalFailures.classify(e) == TemporalFailures.Kind.OTHER) {
        throw e;
      }
      report = Optional.empty(); // accepted, so it runs; Temporal failed while we waited for its report: 202
    }
    return report
        .map(r -> new Outcome(r, null))
        .orElseGet(() -> new Outcome(
            null,
            new DriftRepairPending(
                Names.DRIFT_REPAIR_WORKFLOW_ID, updateId, "RUNNING",
                temporal.workflowUiUrl(Names.DRIFT_REPAIR_WORKFLOW_ID, null))));
  }

  private WorkflowStub workflow() {
    return client.newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID, Optional.empty(), Optional.empty());
  }

  private static ApiException notRunning() {
    return new ApiException(
        ErrorCode.DRIFT_REPAIR_NOT_RUNNING,
        "the drift-repair workflow is not running yet; the service starts it as soon as Temporal answers. Retry shortly.",
        List.of(),
        TemporalErrors.UNAVAILABLE_RETRY_AFTER_SECONDS);
  }

  private DriftReport parse(String body) {
    try {
      return json.readValue(body, DriftReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable drift report", e);
    }
  }
}
