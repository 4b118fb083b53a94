package dev.syncplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Problem;
import dev.syncplane.resources.ProblemMappers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowServiceException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What every error answer says. A read never speaks of writes or Idempotency-Keys; a change says "nothing was
 * written" only when Temporal certainly did not take it, and otherwise that it may have been written. Walks every
 * ErrorCode's title and every detail a Temporal failure can produce.
 */
class ErrorWordingTest {
  /** Words that belong to changes only. */
  private static final Pattern WRITES = Pattern.compile("(?i)writ|idempotency");
  /** The codes only a change can answer: their titles may speak of changes. */
  private static final Set<ErrorCode> CHANGE_ONLY = EnumSet.of(ErrorCode.IDEMPOTENCY_KEY_REUSED);

  /** What Temporal can throw at a call: every gRPC status (also wrapped as the SDK wraps it), and no connection. */
  private static List<RuntimeException> temporalFailures() {
    List<RuntimeException> failures = new ArrayList<>();
    for (Status.Code code : Status.Code.values()) {
      if (code == Status.Code.OK) {
        continue;
      }
      StatusRuntimeException bare = new StatusRuntimeException(code.toStatus().withDescription("said " + code));
      failures.add(bare);
      failures.add(new WorkflowServiceException(WorkflowExecution.getDefaultInstance(), "UpdateIntegrationWorkflow", bare));
    }
    failures.add(new StatusRuntimeException(Status.UNAVAILABLE.withDescription("workflow update was aborted")));
    failures.add(new StatusRuntimeException(Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new ConnectException("Connection refused"))));
    failures.add(new RuntimeException("no channel", new ConnectException("Connection refused")));
    return failures;
  }

  @Test
  void noTitleClaimsNothingWasWrittenAndOnlyChangeCodesSpeakOfWrites() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(code.title()).as(code + "'s title").doesNotContainIgnoringCase("nothing was written");
      if (!CHANGE_ONLY.contains(code)) {
        assertThat(code.title()).as(code + "'s title (reads can answer it)").doesNotContainPattern(WRITES);
      }
    }
  }

  @Test
  void aReadNeverSpeaksOfWrites() {
    for (RuntimeException failure : temporalFailures()) {
      if (TemporalErrors.forRead(failure) instanceof ApiException answer) {
        assertThat(answer.getMessage()).as("a read's answer to " + failure).doesNotContainPattern(WRITES);
        assertThat(answer.code().title()).as("a read's title for " + failure).doesNotContainPattern(WRITES);
      }
    }
    Problem databaseDown = (Problem) new ProblemMappers.Unexpected()
        .toResponse(new RuntimeException(new SQLException("refused", "08001"))).getEntity();
    assertThat(databaseDown.detail() + databaseDown.title()).doesNotContainPattern(WRITES);
  }

  @Test
  void aChangeSaysNothingWasWrittenOnlyWhenTemporalCertainlyDidNotTakeIt() {
    for (RuntimeException failure : temporalFailures()) {
      Status.Code code = dev.syncplane.temporal.TemporalFailures.status(failure).map(Status::getCode).orElse(null);
      boolean refusedOrUnreached = code == Status.Code.RESOURCE_EXHAUSTED
          || code == Status.Code.UNAVAILABLE && !failure.toString().contains("aborted")
          || code == null;
      for (boolean earlierAttemptAborted : new boolean[] {false, true}) {
        if (!(TemporalErrors.forChange(failure, earlierAttemptAborted) instanceof ApiException answer)) {
          continue;
        }
        String detail = answer.getMessage();
        String as = "a change's answer to " + failure + (earlierAttemptAborted ? " after an aborted attempt" : "");
        assertThat(answer.retryAfterSeconds()).as(as + ": Retry-After").isPositive();
        if (refusedOrUnreached && !earlierAttemptAborted) {
          assertThat(detail).as(as).contains("nothing was written");
        } else {
          assertThat(detail).as(as).doesNotContain("nothing was written").contains("may have been written");
        }
      }
    }
  }

  @Test
  void throttledIs429AndEverythingElseTemporalSaysIs503() {
    for (RuntimeException failure : temporalFailures()) {
      Status.Code code = dev.syncplane.temporal.TemporalFailures.status(failure).map(Status::getCode).orElse(null);
      for (RuntimeException answer : List.of(
          TemporalErrors.forRead(failure), TemporalErrors.forChange(failure, false), TemporalErrors.forAction(failure))) {
        if (answer instanceof ApiException api) {
          assertThat(api.code()).as("answer to " + failure)
              .isEqualTo(code == Status.Code.RESOURCE_EXHAUSTED ? ErrorCode.TEMPORAL_THROTTLED : ErrorCode.TEMPORAL_UNAVAILABLE);
        }
      }
      if (TemporalErrors.forAction(failure) instanceof ApiException action) {
        assertThat(action.getMessage()).as("an action's answer to " + failure).doesNotContain("nothing was written");
      }
    }
  }
}
