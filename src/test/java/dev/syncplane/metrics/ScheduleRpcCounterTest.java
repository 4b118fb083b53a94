package dev.syncplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScheduleRpcCounterTest {
  private static final String SERVICE = "temporal.api.workflowservice.v1.WorkflowService/";

  @Test
  void countsEveryScheduleRpcAndNothingElse() {
    for (String m : new String[] {"CreateSchedule", "DescribeSchedule", "UpdateSchedule", "PatchSchedule", "DeleteSchedule", "ListSchedules"}) {
      assertThat(ScheduleRpcCounter.isScheduleRpc(SERVICE + m)).as(m).isTrue();
    }
    for (String m : new String[] {"StartWorkflowExecution", "PollActivityTaskQueue", "DescribeNamespace", "UpdateWorkflowExecution"}) {
      assertThat(ScheduleRpcCounter.isScheduleRpc(SERVICE + m)).as(m).isFalse();
    }
  }
}
