package dev.syncplane.temporal;

import static dev.syncplane.temporal.TemporalFailures.Kind.OTHER;
import static dev.syncplane.temporal.TemporalFailures.Kind.SERVER_ERROR;
import static dev.syncplane.temporal.TemporalFailures.Kind.THROTTLED;
import static dev.syncplane.temporal.TemporalFailures.Kind.UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporalFailuresTest {
  private static StatusRuntimeException grpc(Status status) {
    return new StatusRuntimeException(status);
  }

  /** As the SDK throws a failed call: the gRPC status a level or two down. */
  private static RuntimeException wrapped(Throwable cause) {
    return new RuntimeException("outer",
        new WorkflowServiceException(WorkflowExecution.getDefaultInstance(), "UpdateIntegrationWorkflow", cause));
  }

  @Test
  void classifiesEveryStatusCode() {
    Map<Status.Code, TemporalFailures.Kind> expected = Map.of(
        Status.Code.RESOURCE_EXHAUSTED, THROTTLED,
        Status.Code.UNAVAILABLE, UNAVAILABLE,
        Status.Code.DEADLINE_EXCEEDED, UNAVAILABLE,
        Status.Code.CANCELLED, UNAVAILABLE,
        Status.Code.INTERNAL, SERVER_ERROR,
        Status.Code.UNKNOWN, SERVER_ERROR);
    for (Status.Code code : Status.Code.values()) {
      TemporalFailures.Kind kind = expected.getOrDefault(code, OTHER);
      assertThat(TemporalFailures.classify(grpc(code.toStatus()))).as(code.name()).isEqualTo(kind);
      assertThat(TemporalFailures.classify(wrapped(grpc(code.toStatus())))).as("wrapped " + code).isEqualTo(kind);
      assertThat(TemporalFailures.isTransient(wrapped(grpc(code.toStatus()))))
          .as("transient " + code).isEqualTo(kind == THROTTLED || kind == UNAVAILABLE);
    }
  }

  @Test
  void theStatusNearestTheTopWins() {
    StatusRuntimeException inner = grpc(Status.UNAVAILABLE);
    StatusRuntimeException outer = new StatusRuntimeException(Status.RESOURCE_EXHAUSTED.withCause(inner));
    assertThat(TemporalFailures.classify(new RuntimeException(outer))).isEqualTo(THROTTLED);
  }

  @Test
  void noConnectionIsUnavailableAndOtherFailuresAreOther() {
    assertThat(TemporalFailures.classify(new RuntimeException(new ConnectException("refused")))).isEqualTo(UNAVAILABLE);
    assertThat(TemporalFailures.classify(new IllegalStateException("a bug"))).isEqualTo(OTHER);
    assertThat(TemporalFailures.classify(ApplicationFailure.newFailure("refused", "Refused"))).isEqualTo(OTHER);
  }

  @Test
  void certainlyNotAppliedOnlyForRefusalsAndUnreachable() {
    assertThat(TemporalFailures.certainlyNotApplied(wrapped(grpc(Status.RESOURCE_EXHAUSTED)))).isTrue();
    assertThat(TemporalFailures.certainlyNotApplied(wrapped(grpc(Status.UNAVAILABLE)))).isTrue();
    assertThat(TemporalFailures.certainlyNotApplied(new RuntimeException(new ConnectException("refused")))).isTrue();
    assertThat(TemporalFailures.certainlyNotApplied(
        wrapped(grpc(Status.UNAVAILABLE.withDescription("workflow update was aborted"))))).isFalse();
    assertThat(TemporalFailures.certainlyNotApplied(wrapped(grpc(Status.DEADLINE_EXCEEDED)))).isFalse();
    assertThat(TemporalFailures.certainlyNotApplied(wrapped(grpc(Status.INTERNAL)))).isFalse();
    assertThat(TemporalFailures.certainlyNotApplied(new IllegalStateException())).isFalse();
  }

  @Test
  void theChecksOnTemporalsMessageText() {
    assertThat(TemporalFailures.isUpdateAborted(wrapped(grpc(Status.UNAVAILABLE.withDescription("workflow update was aborted")))))
        .isTrue();
    assertThat(TemporalFailures.isUpdateAborted(wrapped(grpc(Status.UNAVAILABLE.withDescription("io exception"))))).isFalse();
    assertThat(TemporalFailures.isUpdateAborted(wrapped(grpc(Status.INTERNAL.withDescription("update was aborted"))))).isFalse();

    assertThat(TemporalFailures.isWorkflowClosed(
        new RuntimeException(new IllegalStateException("workflow execution already completed")))).isTrue();
    assertThat(TemporalFailures.isWorkflowClosed(wrapped(grpc(Status.NOT_FOUND)))).isTrue();
    assertThat(TemporalFailures.isWorkflowClosed(
        new WorkflowNotFoundException(WorkflowExecution.getDefaultInstance(), "DriftRepairWorkflow", null))).isTrue();
    assertThat(TemporalFailures.isWorkflowClosed(wrapped(grpc(Status.UNAVAILABLE)))).isFalse();
  }

  @Test
  void notFoundAnywhereInTheChain() {
    assertThat(TemporalFailures.isNotFound(wrapped(grpc(Status.NOT_FOUND)))).isTrue();
    assertThat(TemporalFailures.isNotFound(wrapped(grpc(Status.ALREADY_EXISTS)))).isFalse();
    assertThat(TemporalFailures.isNotFound(null)).isFalse();
  }
}
