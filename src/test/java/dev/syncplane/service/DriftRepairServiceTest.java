package dev.syncplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.db.DriftReportDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import dev.syncplane.temporal.drift.DriftReport;
import dev.syncplane.temporal.drift.ScanMode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The answers of /api/v1/drift-repair when the workflow is slow, not started, or Temporal is down. */
class DriftRepairServiceTest {
  private final WorkflowClient client = mock(WorkflowClient.class);
  private final WorkflowStub stub = mock(WorkflowStub.class);
  private final DriftReportDao reports = mock(DriftReportDao.class);
  private final DriftRepairService service =
      new DriftRepairService(client, reports, new ObjectMapper(), new TemporalFactory(), Duration.ofMillis(50));

  DriftRepairServiceTest() {
    when(client.newUntypedWorkflowStub(eq(Names.DRIFT_REPAIR_WORKFLOW_ID), any(), any())).thenReturn(stub);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRepairThatOutlastsTheWaitIsAcceptedWithItsUpdateId() {
    WorkflowUpdateHandle<DriftReport> handle = mock(WorkflowUpdateHandle.class);
    when(handle.getResultAsync()).thenReturn(new CompletableFuture<>());
    when(stub.startUpdate(any(UpdateOptions.class), eq("list"))).thenReturn(handle);

    DriftRepairService.Outcome outcome = service.repairNow(ScanMode.LIST);

    assertThat(outcome.report()).isNull();
    assertThat(outcome.pending().workflowId()).isEqualTo(Names.DRIFT_REPAIR_WORKFLOW_ID);
    assertThat(outcome.pending().updateId()).startsWith("api-");
    assertThat(outcome.pending().state()).isEqualTo("RUNNING");
  }

  @Test
  void aWorkflowNotStartedYetIs503WithRetryAfter() {
    when(stub.startUpdate(any(UpdateOptions.class), eq("deep")))
        .thenThrow(new WorkflowNotFoundException(WorkflowExecution.getDefaultInstance(), "DriftRepairWorkflow", null));

    assertThatThrownBy(() -> service.repairNow(ScanMode.DEEP))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.DRIFT_REPAIR_NOT_RUNNING);
          assertThat(e.code().status()).isEqualTo(503);
          assertThat(e.retryAfterSeconds()).isPositive();
        });
  }

  @Test
  void temporalUnreachableIs503() {
    when(reports.latest()).thenReturn(Optional.empty());
    when(stub.query(eq("state"), eq(dev.syncplane.temporal.drift.DriftState.class)))
        .thenThrow(new StatusRuntimeException(Status.UNAVAILABLE));

    assertThatThrownBy(service::get)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TEMPORAL_UNAVAILABLE));
  }

  @Test
  void temporalThrottlingIs429AndTheReadSaysNothingOfWrites() {
    when(reports.latest()).thenReturn(Optional.empty());
    when(stub.query(eq("state"), eq(dev.syncplane.temporal.drift.DriftState.class)))
        .thenThrow(new StatusRuntimeException(Status.RESOURCE_EXHAUSTED.withDescription("namespace rate limit exceeded")));

    assertThatThrownBy(service::get)
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TEMPORAL_THROTTLED);
          assertThat(e.code().status()).isEqualTo(429);
          assertThat(e.retryAfterSeconds()).isPositive();
          assertThat(e.getMessage()).doesNotContainIgnoringCase("writ").doesNotContainIgnoringCase("idempotency");
        });
  }
}
