package dev.syncplane.temporal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.GrpcCompression;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.grpc.ClientInterceptor;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;

/** Where Temporal is, and how to reach it: builds the stubs and clients the service and workers share. */
public class TemporalFactory {
  @NotEmpty @JsonProperty public String target = "localhost:7233";
  @NotEmpty @JsonProperty public String namespace = "default";
  /** The Temporal UI, for the deep links in API answers. */
  @NotEmpty @JsonProperty public String uiUrl = "http://localhost:8233";
  /**
   * How long one client call keeps retrying a Temporal that does not answer before the API says 503.
   * The API promises its 503 within 5 s; the last attempt and the request around it add about a second
   * on a loaded machine (TemporalUnreachableTest measured 3.9 s with 3 here), so 2 leaves room.
   */
  @Min(1) @JsonProperty public long rpcRetrySeconds = 2;
  /**
   * Compression of every gRPC message to and from Temporal. The SDK's default is gzip; syncplane's is none: the
   * messages are small (an update, a workflow task, a Schedule write), the service usually runs next to its
   * Temporal cluster, and gzip cost both sides CPU on every call (4% of the service's CPU per PUT, profiled).
   * Set {@code GZIP} where the link to Temporal is slow or metered.
   */
  @NotNull @JsonProperty public GrpcCompression grpcCompression = GrpcCompression.NONE;
  /** Run the workers in this process (turn off for an API-only replica). */
  @JsonProperty public boolean workersEnabled = true;

  public WorkflowServiceStubs buildStubs(ClientInterceptor... interceptors) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(target)
            .setGrpcClientInterceptors(List.of(interceptors))
            .setGrpcCompression(grpcCompression)
            .setRpcRetryOptions(
                RpcRetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(100))
                    .setMaximumInterval(Duration.ofSeconds(1))
                    .setExpiration(Duration.ofSeconds(rpcRetrySeconds))
                    .validateBuildWithDefaults())
            .build());
  }

  public WorkflowClient buildClient(WorkflowServiceStubs stubs) {
    return WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  public ScheduleClient buildScheduleClient(WorkflowServiceStubs stubs) {
    return ScheduleClient.newInstance(stubs, scheduleClientOptions());
  }

  public ScheduleClientOptions scheduleClientOptions() {
    return ScheduleClientOptions.newBuilder().setNamespace(namespace).build();
  }

  public String workflowUiUrl(String workflowId, String runId) {
    return Names.workflowUiUrl(uiUrl, namespace, workflowId, runId);
  }

  public String scheduleUiUrl(String scheduleId) {
    return Names.scheduleUiUrl(uiUrl, namespace, scheduleId);
  }
}
