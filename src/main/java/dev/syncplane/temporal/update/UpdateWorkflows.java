package dev.syncplane.temporal.update;

import java.util.List;

/** The workflow implementations of an integration's updates: the per-integration workflow and its update runs. */
public final class UpdateWorkflows {
  private UpdateWorkflows() {}

  public static final List<Class<?>> TYPES =
      List.of(UpdateIntegrationWorkflowImpl.class, PassWorkflowImpl.class, DeleteWorkflowImpl.class, RepairWorkflowImpl.class);
}
