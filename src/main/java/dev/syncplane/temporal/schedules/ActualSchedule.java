package dev.syncplane.temporal.schedules;

import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.sync.SyncRequest;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListActionStartWorkflow;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.List;
import java.util.Map;

/**
 * What Temporal holds for one Schedule, in the terms the classifier compares. Built either from a
 * describe (everything) or from a list entry (no action arguments, task queue or workflow id: those
 * fields are null and not compared; the version is the schedule-level search attribute, which lags
 * shortly behind an update).
 *
 * @param version the {@code ConfigVersion} carried (the Schedule's own or its action's, whichever is higher), 0 when
 *     none
 * @param integrationIdAttribute the Schedule's own {@code IntegrationId} search attribute, null when absent
 * @param customerIdAttribute the Schedule's own {@code CustomerId} search attribute, null when absent
 * @param scheduleVersion the Schedule's own {@code ConfigVersion} search attribute, 0 when absent
 */
public record ActualSchedule(
    String scheduleId,
    ScheduleSpec spec,
    boolean paused,
    String workflowType,
    String workflowId,
    String taskQueue,
    SyncRequest arguments,
    boolean argumentsReadable,
    long version,
    String integrationIdAttribute,
    String customerIdAttribute,
    long scheduleVersion,
    boolean fromList) {

  public static ActualSchedule of(String scheduleId, ScheduleDescription d) {
    String type = null, workflowId = null, taskQueue = null;
    SyncRequest args = null;
    boolean readable = false;
    if (d.getSchedule().getAction() instanceof ScheduleActionStartWorkflow start) {
      type = start.getWorkflowType();
      if (start.getOptions() != null) {
        workflowId = start.getOptions().getWorkflowId();
        taskQueue = start.getOptions().getTaskQueue();
      }
      try {
        if (start.getArguments() != null && start.getArguments().getSize() == 1) {
          args = start.getArguments().get(0, SyncRequest.class);
          readable = true;
        }
      } catch (RuntimeException unreadable) {
        readable = false;
      }
    }
    return new ActualSchedule(
        scheduleId,
        d.getSchedule().getSpec(),
        d.getSchedule().getState() != null && d.getSchedule().getState().isPaused(),
        type,
        workflowId,
        taskQueue,
        args,
        readable,
        ScheduleGateway.versionOf(d),
        d.getTypedSearchAttributes().get(Names.INTEGRATION_ID),
        d.getTypedSearchAttributes().get(Names.CUSTOMER_ID),
        orZero(d.getTypedSearchAttributes().get(Names.CONFIG_VERSION)),
        false);
  }

  public static ActualSchedule of(ScheduleListDescription d) {
    String type = d.getSchedule() != null && d.getSchedule().getAction() instanceof ScheduleListActionStartWorkflow s
        ? s.getWorkflow() : null;
    Object version = first(d.getSearchAttributes(), Names.CONFIG_VERSION.getName());
    Object integrationId = first(d.getSearchAttributes(), Names.INTEGRATION_ID.getName());
    Object customerId = first(d.getSearchAttributes(), Names.CUSTOMER_ID.getName());
    long scheduleVersion = version instanceof Number n ? n.longValue() : 0;
    return new ActualSchedule(
        d.getScheduleId(),
        d.getSchedule() == null ? null : d.getSchedule().getSpec(),
        d.getSchedule() != null && d.getSchedule().getState() != null && d.getSchedule().getState().isPaused(),
        type,
        null,
        null,
        null,
        false,
        scheduleVersion,
        integrationId == null ? null : integrationId.toString(),
        customerId == null ? null : customerId.toString(),
        scheduleVersion,
        true);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  /** Untyped search attributes come back as lists of values. */
  private static Object first(Map<String, ?> attributes, String name) {
    Object v = attributes == null ? null : attributes.get(name);
    if (v instanceof List<?> l) {
      return l.isEmpty() ? null : l.get(0);
    }
    return v;
  }
}
