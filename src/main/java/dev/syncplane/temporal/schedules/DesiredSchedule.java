package dev.syncplane.temporal.schedules;

import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.sync.SyncConnectionWorkflow;
import dev.syncplane.temporal.sync.SyncRequest;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.List;

/**
 * What one connection's Schedule must look like for a given config: the single place that turns DB
 * state into a Temporal Schedule. Fan-out, connect and repair all build Schedules here.
 */
public record DesiredSchedule(String scheduleId, Connection connection, ScheduleConfig config) {
  /** A sync that hangs longer than this is ended, so that it cannot hold off the next one (overlap: skip). */
  public static final Duration SYNC_TIMEOUT = Duration.ofHours(1);

  public static DesiredSchedule of(Connection connection, ScheduleConfig config) {
    return new DesiredSchedule(
        Names.scheduleId(connection.integrationId(), connection.customerId()), connection, config);
  }

  public long version() {
    return config.version();
  }

  public SearchAttributes searchAttributes() {
    return SearchAttributes.newBuilder()
        .set(Names.INTEGRATION_ID, connection.integrationId())
        .set(Names.CUSTOMER_ID, connection.customerId())
        .set(Names.CONFIG_VERSION, config.version())
        .build();
  }

  public SyncRequest syncRequest() {
    return new SyncRequest(connection.integrationId(), connection.id(), connection.customerId());
  }

  public Schedule toSchedule() {
    WorkflowOptions runOptions =
        WorkflowOptions.newBuilder()
            .setWorkflowId(Names.syncWorkflowId(connection.integrationId(), connection.customerId()))
            .setTaskQueue(Names.SYNC_TASK_QUEUE)
            .setWorkflowExecutionTimeout(SYNC_TIMEOUT)
            .setTypedSearchAttributes(searchAttributes())
            .build();
    return Schedule.newBuilder()
        .setAction(
            ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(SyncConnectionWorkflow.class)
                .setArguments(syncRequest())
                .setOptions(runOptions)
                .build())
        .setSpec(
            ScheduleSpec.newBuilder()
                .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofMillis(config.periodMs()))))
                .build())
        .setPolicy(
            SchedulePolicy.newBuilder()
                .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                .build())
        .setState(
            ScheduleState.newBuilder()
                .setPaused(!config.syncEnabled())
                .setNote("managed by syncplane; config version " + config.version())
                .build())
        .build();
  }
}
