package dev.syncplane.service;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.core.ChangeRefused;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFailures;
import dev.syncplane.temporal.update.StoreActivities;
import dev.syncplane.temporal.update.UpdateIntegrationWorkflow;
import dev.syncplane.temporal.update.UpdateWorkflowInput;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Functions;
import com.google.common.util.concurrent.Striped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request to an integration's UpdateIntegrationWorkflow through update-with-start (starting it if it is
 * not running) and waits a bounded time for the answer. Turns Temporal's failures into API answers.
 */
public class UpdateSender {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateSender.class);
  private static final int DRAIN_RETRIES = 50;

  private final WorkflowClient client;
  private final long idleTimeoutMs;
  private final long minPassIntervalMs;
  private final long maxPassIntervalMs;
  /**
   * Updates this replica has in flight to one integration's workflow, at most: Temporal admits at most 10 per
   * workflow execution (history.maxInFlightUpdates) and turns the rest away, which costs a resend after a backoff.
   * Waiting here in line costs only the time the ones before take. Striped: integrations may share a stripe.
   */
  private final Striped<Semaphore> inFlight;

  public UpdateSender(WorkflowClient client, long idleTimeoutMs, long minPassIntervalMs, long maxPassIntervalMs) {
    this(client, idleTimeoutMs, minPassIntervalMs, maxPassIntervalMs, Integer.MAX_VALUE);
  }

  /** @param inFlightPerIntegration see {@code SyncplaneConfiguration.Api.updatesInFlightPerIntegration} */
  public UpdateSender(
      WorkflowClient client, long idleTimeoutMs, long minPassIntervalMs, long maxPassIntervalMs, int inFlightPerIntegration) {
    this.client = client;
    this.idleTimeoutMs = idleTimeoutMs;
    this.minPassIntervalMs = minPassIntervalMs;
    this.maxPassIntervalMs = maxPassIntervalMs;
    this.inFlight = Striped.semaphore(1024, inFlightPerIntegration);
  }

  /**
   * @return the handler's result, or empty if it has not finished within {@code wait} of this call (it goes on;
   *     the call itself returns only once the update is accepted, i.e. durable)
   * @throws ApiException for a refusal (nothing written), a throttling Temporal (429) or an unreachable one (503)
   */
  public <A, R> Optional<R> submit(
      String integrationId,
      String updateId,
      Function<UpdateIntegrationWorkflow, Functions.Func1<A, R>> method,
      A argument,
      Class<R> resultClass,
      Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Semaphore line = inFlight.get(integrationId);
    boolean inLine = acquire(line, deadline); // past the wait, send anyway: Temporal's own limit still holds
    try {
      return send(integrationId, updateId, method, argument, resultClass, deadline);
    } finally {
      if (inLine) {
        line.release();
      }
    }
  }

  private static boolean acquire(Semaphore line, long deadline) {
    try {
      return line.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private <A, R> Optional<R> send(
      String integrationId,
      String updateId,
      Function<UpdateIntegrationWorkflow, Functions.Func1<A, R>> method,
      A argument,
      Class<R> resultClass,
      long deadline) {
    boolean aborted = false; // an attempt Temporal aborted may have run the handler, and so committed
    for (int attempt = 0; ; attempt++) {
      WorkflowUpdateHandle<R> handle = null;
      try {
        UpdateIntegrationWorkflow stub = newStub(integrationId);
        WithStartWorkflowOperation<Void> start =
            new WithStartWorkflowOperation<>(stub::run, UpdateWorkflowInput.fresh(integrationId, idleTimeoutMs, minPassIntervalMs, maxPassIntervalMs));
        handle =
            WorkflowClient.startUpdateWithStart(
                method.apply(stub),
                argument,
                UpdateOptions.newBuilder(resultClass)
                    .setUpdateId(updateId)
                    .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                    .build(),
                start);
        // The bound counts from the call: accepting can itself take a moment (a handler's local DB write
        // holds the workflow task for at most UpdateIntegrationWorkflowImpl.LOCAL_WRITE_BUDGET).
        return awaitResult(handle, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (RuntimeException e) {
        if (isBetweenRuns(e) && attempt < DRAIN_RETRIES) {
          sleep(100);
          continue;
        }
        if (handle != null && TemporalFailures.classify(e) != TemporalFailures.Kind.OTHER) {
          // Accepted, hence durable, but Temporal failed while we waited for the result: it goes on, as after a
          // wait that runs out (the caller answers 202 with the update id).
          LOG.warn("update {} accepted; its result could not be read: {}", updateId, e.toString());
          return Optional.empty();
        }
        boolean abortedNow = TemporalFailures.isUpdateAborted(e);
        aborted |= abortedNow;
        long backoffMs = Math.min(1_000, 100L << Math.min(attempt, 4));
        boolean throttled = TemporalFailures.classify(e) == TemporalFailures.Kind.THROTTLED;
        if ((abortedNow || throttled) && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) < deadline) {
          sleep(backoffMs);
          continue;
        }
        throw translate(e, aborted);
      }
    }
  }

  /** The update's result, or empty if it has not finished within {@code wait} (it goes on). */
  static <R> Optional<R> awaitResult(WorkflowUpdateHandle<R> handle, Duration wait) {
    try {
      return Optional.ofNullable(handle.getResultAsync().get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException pending) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private UpdateIntegrationWorkflow newStub(String integrationId) {
    return client.newWorkflowStub(
        UpdateIntegrationWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(Names.updateWorkflowId(integrationId))
            .setTaskQueue(Names.CONTROL_TASK_QUEUE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setTypedSearchAttributes(SearchAttributes.newBuilder().set(Names.INTEGRATION_ID, integrationId).build())
            .setStaticSummary(integrationId + ": commits its changes, serializes its Schedule writes")
            .setStaticDetails("Every change, connect, disconnect, delete and drift repair of integration " + integrationId
                + " goes through this workflow, one Schedule write at a time. Each fan-out pass, delete and drift repair"
                + " is a child run of its own: list them with " + Names.updateRunsQuery(integrationId))
            .build());
  }

  /**
   * UpdateIntegrationWorkflow is between two runs: it refused the update because it is continuing as new, or the run
   * closed (idle) just as the update reached it. Sending the same update id again is safe: Temporal
   * deduplicates it, and the next attempt joins or starts the new run.
   */
  private static boolean isBetweenRuns(Throwable e) {
    return applicationFailure(e).map(f -> UpdateIntegrationWorkflow.REJECT_RETRY.equals(f.getOriginalMessage())).orElse(false)
        || TemporalFailures.isWorkflowClosed(e);
  }

  /*
   * Two ways Temporal turns an update away and asks for it again: RESOURCE_EXHAUSTED (too many updates in flight on
   * the workflow, history.maxInFlightUpdates, or the namespace's rate limit) and an aborted update
   * (TemporalFailures.isUpdateAborted). The SDK already retries each call for temporal.rpcRetrySeconds (2 s), too
   * short to outlast them, and a longer setting would also delay the 503 of a server that is down. So once the SDK
   * gives up, the update is sent again with the same update id (Temporal and the commit deduplicate it), 100 ms to
   * 1 s apart, until the request's wait is spent; then 429 (still throttled) or 503.
   */

  /**
   * Maps what Temporal said to what the API answers.
   *
   * @param mayHaveCommitted an attempt was aborted by Temporal, so the answer cannot say that nothing was written */
  private static RuntimeException translate(RuntimeException e, boolean mayHaveCommitted) {
    Optional<ApplicationFailure> failure = applicationFailure(e);
    if (failure.isPresent()) {
      ApplicationFailure f = failure.get();
      if (StoreActivities.REFUSED.equals(f.getType())) {
        ChangeRefused.Reason reason = ChangeRefused.Reason.valueOf(f.getDetails().get(0, String.class));
        ErrorCode code =
            switch (reason) {
              case NOT_FOUND -> ErrorCode.NOT_FOUND;
              case VERSION_MISMATCH -> ErrorCode.VERSION_MISMATCH;
              case IDEMPOTENCY_KEY_REUSED -> ErrorCode.IDEMPOTENCY_KEY_REUSED;
            };
        return new ApiException(code, f.getOriginalMessage());
      }
      if (UpdateIntegrationWorkflow.REJECT_DELETING.equals(f.getOriginalMessage())) {
        return new ApiException(ErrorCode.INTEGRATION_DELETING, "the integration is being deleted");
      }
    }
    return TemporalErrors.forChange(e, mayHaveCommitted);
  }

  private static Optional<ApplicationFailure> applicationFailure(Throwable e) {
    return TemporalFailures.find(e, ApplicationFailure.class);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
