package dev.syncplane.temporal.sync;

import dev.syncplane.temporal.Names;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.OffsetDateTime;

public class SyncConnectionWorkflowImpl implements SyncConnectionWorkflow {

  private final SyncActivities activities =
      Workflow.newActivityStub(
          SyncActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(10))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(20)
                      .build())
              .build());

  @Override
  public SyncOutcome sync(SyncRequest request) {
    WorkflowInfo info = Workflow.getInfo();
    SearchAttributes attributes = Workflow.getTypedSearchAttributes();
    OffsetDateTime scheduled = attributes.get(Names.SCHEDULED_START_TIME);
    return activities.runSync(
        new SyncJob(
            request,
            info.getWorkflowId(),
            info.getRunId(),
            attributes.get(Names.CONFIG_VERSION),
            scheduled == null ? null : scheduled.toInstant().toEpochMilli(),
            Workflow.currentTimeMillis()));
  }
}
