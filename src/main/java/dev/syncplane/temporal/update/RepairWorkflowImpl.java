package dev.syncplane.temporal.update;

import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.workflow.Workflow;

/** One activity: describe the suspect Schedules, repair what differs from the database, delete orphans. */
public class RepairWorkflowImpl implements RepairWorkflow {

  @Override
  public IntegrationRepair run(RepairCommand command) {
    String what = command.everySchedule() ? "every Schedule" : command.customerIds().size() + " suspect Schedules";
    IntegrationRepair repair = Activities.schedules(Activities.SCHEDULES, "describe and repair " + what).repair(command);
    Workflow.setCurrentDetails("done: " + repair.checked() + " checked, " + repair.repaired() + " repaired"
        + (repair.staleLeft() > 0 ? ", " + repair.staleLeft() + " left to the pass under way" : ""));
    return repair;
  }
}
