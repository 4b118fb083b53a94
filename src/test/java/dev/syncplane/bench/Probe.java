package dev.syncplane.bench;

import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestTemporal;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.workflowservice.v1.DescribeScheduleRequest;
import io.temporal.api.workflowservice.v1.DescribeScheduleResponse;
import io.temporal.api.workflowservice.v1.UpdateScheduleRequest;
import io.temporal.client.schedules.*;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.*;

public class Probe {
  public static void main(String[] a) throws Exception {
    System.setProperty(TestTemporal.IN_MEMORY, "true");
    int n = Integer.parseInt(a[0]);
    ScheduleClient c = ServiceHarness.schedules();
    WorkflowServiceStubs stubs = ServiceHarness.stubs();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) ids.add("probe-" + i);
    long t = System.nanoTime();
    ScheduleLoop.run(ids, 16, id -> c.createSchedule(id, io.temporal.client.schedules.Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder().setWorkflowType("X").setOptions(io.temporal.client.WorkflowOptions.newBuilder().setWorkflowId("w" + id).setTaskQueue("q").build()).build())
        .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(1)))).build())
        .setState(ScheduleState.newBuilder().setPaused(true).build()).build(), ScheduleOptions.newBuilder().build()));
    System.out.println("create16 " + (System.nanoTime() - t) / 1e9);
    Thread.sleep(3000);
    for (int round = 0; round < 2; round++) {
      for (int conc : new int[] {1, 4, 16, 64}) {
        int[] k = {0};
        t = System.nanoTime();
        ScheduleLoop.run(ids, conc, id -> c.getHandle(id).describe());
        System.out.printf("describe x%d conc %d: %.2f s%n", n, conc, (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        ScheduleLoop.run(ids, conc, id -> c.getHandle(id).update(in -> new ScheduleUpdate(in.getDescription().getSchedule())));
        System.out.printf("sdk update x%d conc %d: %.2f s%n", n, conc, (System.nanoTime() - t) / 1e9);
        Map<String, Schedule> raw = new HashMap<>();
        for (String id : ids) raw.put(id, stubs.blockingStub().describeSchedule(DescribeScheduleRequest.newBuilder().setNamespace("default").setScheduleId(id).build()).getSchedule());
        Thread.sleep(2000);
        t = System.nanoTime();
        ScheduleLoop.run(ids, conc, id -> stubs.blockingStub().updateSchedule(UpdateScheduleRequest.newBuilder().setNamespace("default").setScheduleId(id).setSchedule(raw.get(id)).setRequestId(UUID.randomUUID().toString()).build()));
        System.out.printf("raw update only x%d conc %d: %.2f s%n", n, conc, (System.nanoTime() - t) / 1e9);
        Thread.sleep(2000);
      }
    }
    System.exit(0);
  }
}
