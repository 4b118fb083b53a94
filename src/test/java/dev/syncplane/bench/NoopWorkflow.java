package dev.syncplane.bench;

import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The accept-latency floor: a workflow whose Update handler returns at once, kept alive between calls like
 * syncplane's executor. An update-with-start on it is the cheapest round trip a Temporal-backed PUT can make.
 */
@WorkflowInterface
public interface NoopWorkflow {
  String TASK_QUEUE = "syncplane-bench-noop";

  @WorkflowMethod
  void run();

  @UpdateMethod
  long touch(long n);

  class Impl implements NoopWorkflow {
    private long touched;

    @Override
    public void run() {
      Workflow.await(Duration.ofMinutes(5), () -> false);
    }

    @Override
    public long touch(long n) {
      touched = n;
      return touched;
    }
  }
}
