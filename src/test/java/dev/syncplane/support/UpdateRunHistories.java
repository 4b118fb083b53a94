package dev.syncplane.support;

import com.google.protobuf.util.Timestamps;
import dev.syncplane.temporal.Names;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The histories of an integration's update runs (the passes, repairs and delete that its UpdateIntegrationWorkflow
 * starts as child workflows), as the end-to-end tests and the bench read them.
 */
public final class UpdateRunHistories {
  private UpdateRunHistories() {}

  /**
   * The child runs of the integration's workflow (its current run) that were still running at {@code epochMillis} or
   * started after it, oldest first.
   */
  public static List<WorkflowExecution> runsSince(String integrationId, long epochMillis) {
    List<WorkflowExecution> started = new ArrayList<>();
    Map<String, Long> closedAt = new HashMap<>();
    for (HistoryEvent e : ServiceHarness.workflows().fetchHistory(Names.updateWorkflowId(integrationId)).getEvents()) {
      if (e.hasChildWorkflowExecutionStartedEventAttributes()) {
        started.add(e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution());
      } else if (e.hasChildWorkflowExecutionCompletedEventAttributes()) {
        closedAt.put(e.getChildWorkflowExecutionCompletedEventAttributes().getWorkflowExecution().getRunId(),
            Timestamps.toMillis(e.getEventTime()));
      }
    }
    return started.stream().filter(r -> closedAt.getOrDefault(r.getRunId(), Long.MAX_VALUE) >= epochMillis).toList();
  }

  /** Every event of those runs at or after {@code epochMillis}, run after run. */
  public static List<HistoryEvent> eventsSince(String integrationId, long epochMillis) {
    List<HistoryEvent> events = new ArrayList<>();
    for (WorkflowExecution run : runsSince(integrationId, epochMillis)) {
      ServiceHarness.workflows().fetchHistory(run.getWorkflowId(), run.getRunId()).getEvents().stream()
          .filter(e -> Timestamps.toMillis(e.getEventTime()) >= epochMillis)
          .forEach(events::add);
    }
    return events;
  }
}
