package dev.syncplane.temporal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.syncplane.temporal.tls.TemporalTls;
import dev.syncplane.temporal.tls.TlsCredentials;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.GrpcCompression;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.grpc.ClientInterceptor;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where Temporal is, and how to reach it: builds the stubs and clients the service and workers share. */
public class TemporalFactory {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalFactory.class);

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

  /** TLS to the frontend (mTLS with a client certificate, or TLS only, e.g. for an API key); off by default. */
  @Valid @NotNull @JsonProperty public TemporalTls tls = new TemporalTls();

  /**
   * A Temporal Cloud API key, sent on every call as {@code authorization: Bearer <key>}; needs TLS. Empty: none.
   */
  @JsonProperty public String apiKey;

  @JsonIgnore private TlsCredentials credentials;

  /**
   * Checks the security settings and loads the TLS files, once per factory (the stubs it builds share them).
   * Throws {@link IllegalArgumentException} naming the setting: a key without its certificate, a file that
   * cannot be read or parsed, an API key without TLS.
   */
  public synchronized TlsCredentials tlsCredentials() {
    if (hasApiKey() && !tls.active()) {
      throw new IllegalArgumentException("temporal.apiKey (SYNCPLANE_TEMPORAL_API_KEY) is set but TLS is off: an API"
          + " key is sent only over TLS, as Temporal Cloud requires; set SYNCPLANE_TEMPORAL_TLS=true (the JVM's"
          + " trusted CAs) or temporal.tls.ca (SYNCPLANE_TEMPORAL_TLS_CA)");
    }
    if (credentials == null && tls.active()) {
      credentials = TlsCredentials.open(tls);
      LOG.info("Temporal at {}: TLS{}{}{}", target,
          credentials.certificate() != null ? " with client certificate " + tls.cert : " without a client certificate",
          tls.serverName != null && !tls.serverName.isBlank() ? ", server name " + tls.serverName.trim() : "",
          hasApiKey() ? ", API key" : "");
    }
    return credentials;
  }

  private boolean hasApiKey() {
    return apiKey != null && !apiKey.isBlank();
  }

  /** Stops re-reading the TLS files. */
  public synchronized void close() {
    if (credentials != null) {
      credentials.close();
      credentials = null;
    }
  }

  public WorkflowServiceStubs buildStubs(ClientInterceptor... interceptors) {
    return WorkflowServiceStubs.newServiceStubs(stubsOptions(interceptors).build());
  }

  /** The options of {@link #buildStubs}: target, TLS, API key, compression, retries. */
  public WorkflowServiceStubsOptions.Builder stubsOptions(ClientInterceptor... interceptors) {
    TlsCredentials credentials = tlsCredentials();
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder();
    List<ClientInterceptor> all = new java.util.ArrayList<>(List.of(interceptors));
    if (credentials != null) {
      all.add(credentials.failureRecorder());
      options.setSslContext(credentials.sslContext());
      if (tls.serverName != null && !tls.serverName.isBlank()) {
        String serverName = tls.serverName.trim();
        options.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
      }
    }
    if (hasApiKey()) {
      String key = apiKey.trim();
      options.addApiKey(() -> key);
    }
    return options
            .setTarget(target)
            .setGrpcClientInterceptors(all)
            .setGrpcCompression(grpcCompression)
            .setRpcRetryOptions(
                RpcRetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(100))
                    .setMaximumInterval(Duration.ofSeconds(1))
                    .setExpiration(Duration.ofSeconds(rpcRetrySeconds))
                    .validateBuildWithDefaults());
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

  public String workflowListUiUrl(String query) {
    return Names.workflowListUiUrl(uiUrl, namespace, query);
  }

  public String scheduleUiUrl(String scheduleId) {
    return Names.scheduleUiUrl(uiUrl, namespace, scheduleId);
  }
}
