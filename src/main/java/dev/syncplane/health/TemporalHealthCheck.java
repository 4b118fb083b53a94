package dev.syncplane.health;

import com.codahale.metrics.health.HealthCheck;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/** Red when the Temporal frontend does not answer for our namespace within two seconds. */
public class TemporalHealthCheck extends HealthCheck {
  private final WorkflowServiceStubs stubs;
  private final String namespace;

  public TemporalHealthCheck(WorkflowServiceStubs stubs, String namespace) {
    this.stubs = stubs;
    this.namespace = namespace;
  }

  @Override
  protected Result check() {
    try {
      stubs.blockingStub()
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      return Result.healthy("namespace %s reachable", namespace);
    } catch (RuntimeException e) {
      return Result.unhealthy("Temporal namespace %s unreachable: %s", namespace, e.getMessage());
    }
  }
}
