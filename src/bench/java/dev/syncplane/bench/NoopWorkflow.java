package dev.syncplane.bench;

import dev.syncplane.temporal.Names;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/**
 * The accept-latency floor: a workflow whose Update handler returns at once, kept alive between calls like
 * syncplane's executor. An update-with-start on it is the cheapest round trip a Temporal-backed PUT can make.
 * {@link #touchWith} adds one part of what syncplane's accepting workflow task does, to measure what it costs.
 */
@WorkflowInterface
public interface NoopWorkflow {
  String TASK_QUEUE = "syncplane-bench-noop";

  @WorkflowMethod
  void run();

  @UpdateMethod
  long touch(long n);

  /** The floor plus a no-op local activity (its marker), or plus a {@code ConfigVersion} search-attribute upsert. */
  @UpdateMethod
  long touchWith(long n, boolean localActivity, boolean searchAttribute);

  @ActivityInterface
  interface Noop {
    long noop(long n);
  }

  class NoopImpl implements Noop {
    @Override
    public long noop(long n) {
      return n;
    }
  }

  class Impl implements NoopWorkflow {
    private final Noop local = Workflow.newLocalActivityStub(
        Noop.class, LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(2)).build());
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

    @Override
    public long touchWith(long n, boolean localActivity, boolean searchAttribute) {
      touched = localActivity ? local.noop(n) : n;
      if (searchAttribute) {
        Workflow.upsertTypedSearchAttributes(Names.CONFIG_VERSION.valueSet(n));
      }
      return touched;
    }
  }
}
