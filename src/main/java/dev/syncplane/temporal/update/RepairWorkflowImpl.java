package dev.syncplane.temporal.update;

import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/** One activity: describe the suspect Schedules, repair what differs from the database, delete orphans. */
public class RepairWorkflowImpl implements RepairWorkflow {

  @Override
  public IntegrationRepair run(RepairCommand command) {
    String what = command.everySchedule() ? "every Schedule" : command.customerIds().size() + " suspect Schedules";
    ScheduleActivities schedules = Workflow.newActivityStub(ScheduleActivities.class,
        ActivityOptions.newBuilder(Activities.SCHEDULES).setSummary("describe and repair " + what).build());
    IntegrationRepair repair = schedules.repair(command);
    Workflow.setCurrentDetails("done: " + repair.checked() + " checked, " + repair.repaired() + " repaired"
        + (repair.staleLeft() > 0 ? ", " + repair.staleLeft() + " left to the pass under way" : ""));
    return repair;
  }
}
