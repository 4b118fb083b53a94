package dev.syncplane.temporal.update;

import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.List;

/** The workflow implementations of an integration's updates: the per-integration workflow and its update runs. */
public final class UpdateWorkflows {
  private UpdateWorkflows() {}

  public static final List<Class<?>> TYPES =
      List.of(UpdateIntegrationWorkflowImpl.class, PassWorkflowImpl.class, DeleteWorkflowImpl.class, RepairWorkflowImpl.class);

  /**
   * Each of them continues as new far below Temporal's 10,000-event limit: a batch adds about 6 events, a pass about
   * 10 to the integration's workflow, a connect about 10.
   */
  static final int HISTORY_BUDGET = 2_000;

  /** Whether the calling workflow's run should continue as new: past {@link #HISTORY_BUDGET}, or Temporal says so. */
  static boolean historyFull() {
    WorkflowInfo info = Workflow.getInfo();
    return info.getHistoryLength() > HISTORY_BUDGET || info.isContinueAsNewSuggested();
  }
}
