package dev.syncplane.health;

import com.codahale.metrics.health.HealthCheck;
import dev.syncplane.temporal.tls.TemporalFailures;
import dev.syncplane.temporal.tls.TlsCredentials;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Red when the Temporal frontend does not answer for our namespace within two seconds, saying why (a refused
 * certificate, a server name mismatch, a refused API key: {@link TemporalFailures}), and when the client
 * certificate in use is outside its validity dates or a changed TLS file could not be loaded. Logs each change
 * of its answer once, so the cause is in the log too, not only on the admin port.
 */
public class TemporalHealthCheck extends HealthCheck {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalHealthCheck.class);

  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final TlsCredentials tls;
  private String lastProblem;

  public TemporalHealthCheck(WorkflowServiceStubs stubs, String namespace) {
    this(stubs, namespace, null);
  }

  /** @param tls the TLS material the stubs use, or null without TLS */
  public TemporalHealthCheck(WorkflowServiceStubs stubs, String namespace, TlsCredentials tls) {
    this.stubs = stubs;
    this.namespace = namespace;
    this.tls = tls;
  }

  @Override
  protected Result check() {
    List<String> local = tls == null ? List.of() : tls.problems();
    String problem;
    try {
      stubs.blockingStub()
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      problem = local.isEmpty() ? null
          : String.format("Temporal namespace %s reachable, but %s", namespace, String.join("; ", local));
    } catch (RuntimeException e) {
      String why = TemporalFailures.explain(e);
      Throwable earlier = tls == null || io.grpc.Status.fromThrowable(e).getCause() != null ? null
          : tls.recentFailure(java.time.Duration.ofMinutes(2));
      if (earlier != null) {
        why += " (the last connection attempt: " + TemporalFailures.explain(earlier) + ")";
      }
      problem = String.format("Temporal namespace %s unreachable: %s%s", namespace, why,
          local.isEmpty() ? "" : "; " + String.join("; ", local));
    }
    record(problem);
    return problem == null ? Result.healthy("namespace %s reachable", namespace) : Result.unhealthy(problem);
  }

  private synchronized void record(String problem) {
    if (!Objects.equals(problem, lastProblem)) {
      if (problem != null) {
        LOG.error("temporal health check: {}", problem);
      } else if (lastProblem != null) {
        LOG.info("temporal health check: namespace {} reachable again", namespace);
      }
      lastProblem = problem;
    }
  }
}
