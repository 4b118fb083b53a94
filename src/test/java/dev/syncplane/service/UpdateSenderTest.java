package dev.syncplane.service;

import static dev.syncplane.support.Integrations.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Problem;
import dev.syncplane.resources.ProblemMappers;
import jakarta.ws.rs.core.Response;
import dev.syncplane.core.Commit;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.update.ChangeCommand;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How the workflow answers when Temporal turns an update away, against the dev server and the service's own
 * workers: the first update-with-starts are refused as Temporal refuses them (a client interceptor throws what the
 * SDK throws), then the call goes through to the real executor workflow.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class UpdateSenderTest {
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();

  private final Integrations integrations = new Integrations(ServiceHarness.api(APP), ServiceHarness.schedules());
  private final AtomicInteger calls = new AtomicInteger();

  /** An executor whose first {@code refusals} update-with-starts fail with {@code status}. */
  private UpdateSender refusing(int refusals, Status status) {
    return refusing(refusals, n -> status);
  }

  /** An executor whose first {@code refusals} update-with-starts fail, the n-th (from 1) with {@code status(n)}. */
  private UpdateSender refusing(int refusals, java.util.function.IntFunction<Status> status) {
    WorkflowClientInterceptorBase refuse = new WorkflowClientInterceptorBase() {
      @Override
      public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(WorkflowClientCallsInterceptor next) {
        return new WorkflowClientCallsInterceptorBase(next) {
          @Override
          public <R> WorkflowUpdateWithStartOutput<R> updateWithStart(WorkflowUpdateWithStartInput<R> input) {
            int n = calls.incrementAndGet();
            if (n <= refusals) {
              throw new WorkflowServiceException(
                  WorkflowExecution.newBuilder().setWorkflowId(input.getWorkflowStartInput().getWorkflowId()).build(),
                  input.getWorkflowStartInput().getWorkflowType(),
                  new StatusRuntimeException(status.apply(n)));
            }
            return super.updateWithStart(input);
          }
        };
      }
    };
    WorkflowClient client = WorkflowClient.newInstance(
        ServiceHarness.stubs(),
        WorkflowClientOptions.newBuilder()
            .setNamespace(APP.getConfiguration().temporal.namespace)
            .setInterceptors(refuse)
            .build());
    SyncplaneConfiguration.FanOut fanOut = APP.getConfiguration().fanOut;
    return new UpdateSender(client, fanOut.idleTimeoutMs, fanOut.minPassIntervalMs, fanOut.maxPassIntervalMs);
  }

  private Optional<Commit> change(UpdateSender executor, String id, Duration wait) {
    String updateId = UUID.randomUUID().toString();
    ChangeCommand command = new ChangeCommand(updateId, id, new IntegrationChange("renamed", null, null), null, null);
    return executor.submit(id, updateId, stub -> stub::change, command, Commit.class, wait);
  }

  /** The change, answered 503 {@code TEMPORAL_UNAVAILABLE} with a Retry-After: its detail. */
  private String unavailable(UpdateSender executor, String id, Duration wait) {
    ApiException refused = catchThrowableOfType(ApiException.class, () -> change(executor, id, wait));
    assertThat(refused).as("the change's answer").isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORAL_UNAVAILABLE);
    assertThat(refused.retryAfterSeconds()).isPositive();
    return refused.getMessage();
  }

  @Test
  void anUpdateTheServerAbortedIsSentAgainAndCommitsOnce() {
    String id = integrations.create(newId("aborted"), 60_000);
    UpdateSender executor = refusing(2, Status.UNAVAILABLE.withDescription("workflow update was aborted"));

    Optional<Commit> commit = change(executor, id, Duration.ofSeconds(10));

    assertThat(calls).as("update-with-start calls").hasValue(3);
    assertThat(commit).map(c -> c.integration().version()).contains(2L);
    assertThat(integrations.get(id).get("version").asLong()).isEqualTo(2);
  }

  @Test
  void aWorkflowWithTooManyUpdatesInFlightIsAskedAgain() {
    String id = integrations.create(newId("in-flight"), 60_000);
    UpdateSender executor = refusing(2, Status.RESOURCE_EXHAUSTED.withDescription(
        "limit on number of concurrent in-flight updates has been reached (10)"));

    Optional<Commit> commit = change(executor, id, Duration.ofSeconds(10));

    assertThat(calls).as("update-with-start calls").hasValue(3);
    assertThat(commit).map(c -> c.integration().version()).contains(2L);
  }

  /** The change, answered 429 {@code TEMPORAL_THROTTLED} with a Retry-After: its detail. */
  private String throttled(UpdateSender executor, String id, Duration wait) {
    ApiException refused = catchThrowableOfType(ApiException.class, () -> change(executor, id, wait));
    assertThat(refused).as("the change's answer").isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORAL_THROTTLED);
    assertThat(refused.retryAfterSeconds()).isPositive();
    // ... and on the wire: 429, Retry-After, the code in problem+json
    Response response = new ProblemMappers.Api().toResponse(refused);
    assertThat(response.getStatus()).isEqualTo(429);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo(String.valueOf(refused.retryAfterSeconds()));
    assertThat(((Problem) response.getEntity()).code()).isEqualTo("TEMPORAL_THROTTLED");
    return refused.getMessage();
  }

  @Test
  void anUpdateThrottledUntilTheWaitEndsIs429AndWritesNothing() {
    String id = integrations.create(newId("throttled"), 60_000);
    UpdateSender executor = refusing(Integer.MAX_VALUE, Status.RESOURCE_EXHAUSTED.withDescription(
        "namespace rate limit exceeded"));

    long started = System.nanoTime();
    assertThat(throttled(executor, id, Duration.ofSeconds(1))).contains("nothing was written");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).as("time to the 429").isLessThan(Duration.ofSeconds(2));
    assertThat(calls.get()).as("asked again, with backoff").isBetween(3, 10);
    assertThat(integrations.get(id).get("version").asLong()).isEqualTo(1);
  }

  @Test
  void anUpdateAbortedThenThrottledIs429SayingItMayHaveBeenWritten() {
    String id = integrations.create(newId("aborted-429"), 60_000);
    UpdateSender executor = refusing(Integer.MAX_VALUE, n -> n == 1
        ? Status.UNAVAILABLE.withDescription("workflow update was aborted")
        : Status.RESOURCE_EXHAUSTED.withDescription("limit on number of concurrent in-flight updates has been reached (10)"));

    assertThat(throttled(executor, id, Duration.ofSeconds(1)))
        .contains("may have been written")
        .doesNotContain("nothing was written");
  }

  /** Refusals that come after the server may have acted on the call: answered at once, never sent again. */
  static Stream<Arguments> refusalsAfterTheCallWasSent() {
    return Stream.of(
        Arguments.of("timed out after it was sent", Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded")),
        Arguments.of("failed inside the server", Status.INTERNAL.withDescription("operation failed. Error interrupted (9)")));
  }

  @ParameterizedTest(name = "an update that {0} is 503 saying it may have been written")
  @MethodSource("refusalsAfterTheCallWasSent")
  void anUpdateRefusedAfterItWasSentIs503SayingItMayHaveBeenWritten(String what, Status status) {
    String id = integrations.create(newId("after-sent"), 60_000);
    UpdateSender executor = refusing(Integer.MAX_VALUE, status);

    assertThat(unavailable(executor, id, Duration.ofSeconds(10)))
        .contains("may have been written")
        .doesNotContain("nothing was written");
    assertThat(calls).as("update-with-start calls").hasValue(1);
  }

  @Test
  void anUpdateAbortedUntilTheWaitEndsIs503SayingItMayHaveBeenWritten() {
    String id = integrations.create(newId("aborted-503"), 60_000);
    UpdateSender executor = refusing(Integer.MAX_VALUE, Status.UNAVAILABLE.withDescription("workflow update was aborted"));

    assertThat(unavailable(executor, id, Duration.ofSeconds(1)))
        .contains("may have been written")
        .doesNotContain("nothing was written");
    assertThat(calls.get()).as("asked again, with backoff").isBetween(3, 10);
  }

  @Test
  void aServerThatDoesNotAnswerIsNotAskedAgain() {
    String id = integrations.create(newId("down"), 60_000);
    UpdateSender executor = refusing(Integer.MAX_VALUE, Status.UNAVAILABLE.withDescription("io exception"));

    assertThat(unavailable(executor, id, Duration.ofSeconds(10))).contains("nothing was written");
    assertThat(calls).as("update-with-start calls").hasValue(1);
  }
}
