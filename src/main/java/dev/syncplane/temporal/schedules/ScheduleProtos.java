package dev.syncplane.temporal.schedules;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Header;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.ScheduleAction;
import io.temporal.api.schedule.v1.SchedulePolicies;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.context.WorkflowSerializationContext;
import java.time.Duration;
import java.util.Map;

/**
 * The wire form of the Schedules syncplane writes, built with the SDK's public API only, for the UpdateSchedule
 * call that {@link ScheduleGateway} makes without the describe of {@code ScheduleHandle.update}. It converts what
 * {@link DesiredSchedule#toSchedule()} uses (interval specs, a start-workflow action, policy, state, typed search
 * attributes) exactly as the SDK's own conversion does (ScheduleProtosTest compares the two), and refuses any
 * other feature rather than drop it silently.
 */
final class ScheduleProtos {
  private ScheduleProtos() {}

  static io.temporal.api.schedule.v1.Schedule toProto(Schedule schedule, String namespace, DataConverter converter) {
    io.temporal.api.schedule.v1.Schedule.Builder b =
        io.temporal.api.schedule.v1.Schedule.newBuilder()
            .setAction(action(schedule.getAction(), namespace, converter))
            .setSpec(spec(schedule.getSpec()));
    if (schedule.getPolicy() != null) {
      b.setPolicies(policy(schedule.getPolicy()));
    }
    if (schedule.getState() != null) {
      b.setState(state(schedule.getState()));
    }
    return b.build();
  }

  private static ScheduleAction action(io.temporal.client.schedules.ScheduleAction action, String namespace, DataConverter converter) {
    if (!(action instanceof ScheduleActionStartWorkflow start)) {
      throw unsupported("action " + action);
    }
    WorkflowOptions o = start.getOptions();
    if (o.getWorkflowId() == null || o.getWorkflowId().isEmpty() || o.getTaskQueue() == null || o.getTaskQueue().isEmpty()) {
      throw new IllegalArgumentException("a Schedule's workflow action needs a workflow id and a task queue");
    }
    if (o.getWorkflowIdReusePolicy() != null || o.getWorkflowIdConflictPolicy() != null || o.getCronSchedule() != null
        || o.getRetryOptions() != null || (o.getMemo() != null && !o.getMemo().isEmpty())
        || o.getStaticSummary() != null || o.getStaticDetails() != null || o.getPriority() != null
        || o.getVersioningOverride() != null
        || (o.getContextPropagators() != null && !o.getContextPropagators().isEmpty())
        || (start.getHeader() != null && !start.getHeader().getValues().isEmpty())) {
      throw unsupported("workflow options beyond id, task queue, timeouts and search attributes");
    }
    DataConverter forRun = converter.withContext(new WorkflowSerializationContext(namespace, o.getWorkflowId()));
    start.getArguments().setDataConverter(forRun);
    NewWorkflowExecutionInfo.Builder info =
        NewWorkflowExecutionInfo.newBuilder()
            .setWorkflowId(o.getWorkflowId())
            .setWorkflowType(WorkflowType.newBuilder().setName(start.getWorkflowType()))
            .setWorkflowRunTimeout(duration(o.getWorkflowRunTimeout()))
            .setWorkflowExecutionTimeout(duration(o.getWorkflowExecutionTimeout()))
            .setWorkflowTaskTimeout(duration(o.getWorkflowTaskTimeout()))
            .setTaskQueue(TaskQueue.newBuilder().setName(o.getTaskQueue()))
            .setHeader(Header.getDefaultInstance());
    start.getArguments().toPayloads().ifPresent(info::setInput);
    if (o.getTypedSearchAttributes() != null && o.getTypedSearchAttributes().size() > 0) {
      info.setSearchAttributes(searchAttributes(o.getTypedSearchAttributes()));
    }
    return ScheduleAction.newBuilder().setStartWorkflow(info).build();
  }

  private static io.temporal.api.schedule.v1.ScheduleSpec spec(ScheduleSpec spec) {
    if ((spec.getCalendars() != null && !spec.getCalendars().isEmpty())
        || (spec.getCronExpressions() != null && !spec.getCronExpressions().isEmpty())
        || (spec.getSkip() != null && !spec.getSkip().isEmpty())
        || (spec.getTimeZoneName() != null && !spec.getTimeZoneName().isEmpty())
        || spec.getJitter() != null || spec.getStartAt() != null || spec.getEndAt() != null) {
      throw unsupported("a Schedule spec other than intervals");
    }
    io.temporal.api.schedule.v1.ScheduleSpec.Builder b = io.temporal.api.schedule.v1.ScheduleSpec.newBuilder();
    if (spec.getIntervals() != null) {
      for (ScheduleIntervalSpec i : spec.getIntervals()) {
        b.addInterval(IntervalSpec.newBuilder().setInterval(duration(i.getEvery())).setPhase(duration(i.getOffset())));
      }
    }
    return b.build();
  }

  private static SchedulePolicies policy(SchedulePolicy policy) {
    SchedulePolicies.Builder b = SchedulePolicies.newBuilder();
    if (policy.getCatchupWindow() != null) {
      b.setCatchupWindow(duration(policy.getCatchupWindow()));
    }
    return b.setPauseOnFailure(policy.isPauseOnFailure()).setOverlapPolicy(policy.getOverlap()).build();
  }

  private static io.temporal.api.schedule.v1.ScheduleState state(ScheduleState state) {
    io.temporal.api.schedule.v1.ScheduleState.Builder b =
        io.temporal.api.schedule.v1.ScheduleState.newBuilder()
            .setLimitedActions(state.isLimitedAction())
            .setRemainingActions(state.getRemainingActions())
            .setPaused(state.isPaused());
    if (state.getNote() != null) {
      b.setNotes(state.getNote());
    }
    return b.build();
  }

  /**
   * Typed search attributes as the server takes them: each value a JSON payload whose {@code type} metadata names
   * its indexed type. Keyword, Text, Int, Double, Bool and KeywordList values only.
   */
  static io.temporal.api.common.v1.SearchAttributes searchAttributes(SearchAttributes attributes) {
    io.temporal.api.common.v1.SearchAttributes.Builder b = io.temporal.api.common.v1.SearchAttributes.newBuilder();
    for (Map.Entry<SearchAttributeKey<?>, Object> e : attributes.getUntypedValues().entrySet()) {
      String type = switch (e.getKey().getValueType()) {
        case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
        case INDEXED_VALUE_TYPE_TEXT -> "Text";
        case INDEXED_VALUE_TYPE_INT -> "Int";
        case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
        case INDEXED_VALUE_TYPE_BOOL -> "Bool";
        case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
        default -> throw unsupported("search attribute type " + e.getKey().getValueType());
      };
      Payload value = DefaultDataConverter.STANDARD_INSTANCE.toPayload(e.getValue()).orElseThrow();
      b.putIndexedFields(e.getKey().getName(), value.toBuilder().putMetadata("type", ByteString.copyFromUtf8(type)).build());
    }
    return b.build();
  }

  private static com.google.protobuf.Duration duration(Duration d) {
    if (d == null) {
      return com.google.protobuf.Duration.getDefaultInstance();
    }
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  private static IllegalArgumentException unsupported(String what) {
    return new IllegalArgumentException(what + " is not supported by ScheduleProtos; extend it (and ScheduleProtosTest)");
  }
}
