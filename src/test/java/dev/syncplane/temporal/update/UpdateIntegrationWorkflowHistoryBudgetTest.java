package dev.syncplane.temporal.update;

import static dev.syncplane.temporal.update.UpdateWorkflowFixtures.schedulesMock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.syncplane.core.Connection;
import dev.syncplane.service.UpdateSender;
import dev.syncplane.temporal.Names;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Temporal refuses histories past 51,200 events and the issue caps ours at 10,000: a fan-out to 20,000
 * connections and thousands of connects must stay under it, in every run of the workflow.
 */
class UpdateIntegrationWorkflowHistoryBudgetTest {
  private static final int CONNECTIONS = 20_000;
  private static final int BATCH = 500;
  private static final int EVENT_CAP = 10_000;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final StoreActivities store = mock(StoreActivities.class, withSettings().withoutAnnotations());
  private final PassSteps steps = mock(PassSteps.class);
  private final ScheduleActivities schedules = schedulesMock(steps);

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    env.registerSearchAttribute(Names.INTEGRATION_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(Names.CUSTOMER_ID.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(Names.CONFIG_VERSION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_INT);
    Worker worker = env.newWorker(Names.CONTROL_TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(UpdateWorkflows.TYPES.toArray(Class<?>[]::new));
    worker.registerActivitiesImplementations(store, schedules);
    client = env.getWorkflowClient();
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private UpdateIntegrationWorkflow stub(String id) {
    return client.newWorkflowStub(UpdateIntegrationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(Names.updateWorkflowId(id)).setTaskQueue(Names.CONTROL_TASK_QUEUE).build());
  }

  @Test
  void aFanOutTo20000ConnectionsStaysUnderTheEventCap() {
    AtomicInteger processed = new AtomicInteger();
    when(steps.begin(any())).thenReturn(new FanOutStart(true, 2, CONNECTIONS));
    when(steps.write(any())).thenAnswer(inv -> {
      BatchRequest r = inv.getArgument(0);
      int from = r.afterConnectionId() == null ? 0 : Integer.parseInt(r.afterConnectionId()) + 1;
      int to = Math.min(from + BATCH, CONNECTIONS);
      processed.addAndGet(to - from);
      return new BatchResult(Integer.toString(to - 1), to - from < BATCH || to == CONNECTIONS, 2, to - from, to - from, 0, 0, List.of(), List.of());
    });

    UpdateIntegrationWorkflow executor = stub("big");
    WorkflowClient.start(executor::run, new UpdateWorkflowInput("big", 1_000, true, null, List.of(), 0, 0, 0, 0));
    WorkflowStub.fromTyped(executor).getResult(Void.class);

    assertThat(processed.get()).isEqualTo(CONNECTIONS);
    assertThat(largestRunHistory(Names.updateWorkflowId("big"))).isLessThan(EVENT_CAP);
  }

  @Test
  void thousandsOfConnectsContinueAsNewBeforeTheCap() {
    when(schedules.connect(any())).thenAnswer(inv -> {
      ConnectCommand c = inv.getArgument(0);
      return new ConnectResult(new Connection(c.connectionId(), c.integrationId(), c.customerId(), null),
          Names.scheduleId(c.integrationId(), c.customerId()), 1, true);
    });
    when(steps.begin(any())).thenReturn(new FanOutStart(true, 1, 0));
    when(steps.write(any())).thenReturn(new BatchResult(null, true, 1, 0, 0, 0, 0, List.of(), List.of()));

    // The service's own client: update-with-start, retrying while a run continues as new.
    UpdateSender service = new UpdateSender(client, 60_000, 0, 0);
    for (int i = 0; i < 1_500; i++) {
      ConnectCommand command = new ConnectCommand("many", "c" + i, "customer-" + i);
      ConnectResult r = service
          .submit("many", "connect-" + i, s -> s::connect, command, ConnectResult.class, Duration.ofSeconds(30))
          .orElseThrow();
      assertThat(r.connection().customerId()).isEqualTo("customer-" + i);
    }

    assertThat(largestRunHistory(Names.updateWorkflowId("many"))).isLessThan(EVENT_CAP);
    assertThat(continuedAsNew(Names.updateWorkflowId("many"))).isTrue();
  }

  /** Walks the chain of runs from the first one and returns the longest history among them. */
  private int largestRunHistory(String workflowId) {
    int largest = 0;
    WorkflowExecutionHistory history = client.fetchHistory(workflowId, firstRunId(workflowId));
    while (true) {
      largest = Math.max(largest, history.getHistory().getEventsCount());
      var last = history.getLastEvent();
      if (!last.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
        return largest;
      }
      String next = last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
      history = client.fetchHistory(workflowId, next);
    }
  }

  private boolean continuedAsNew(String workflowId) {
    return client.fetchHistory(workflowId, firstRunId(workflowId)).getLastEvent()
        .hasWorkflowExecutionContinuedAsNewEventAttributes();
  }

  private String firstRunId(String workflowId) {
    var describe = env.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace(env.getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
    return describe.getWorkflowExecutionInfo().getFirstRunId();
  }
}
