package dev.syncplane.e2e.faults;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.Names;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Promise 2 for deletes: a delete that lands in the middle of a fan-out wins, and nothing comes back. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DeleteDuringFanOutTest {
  private static final int CONNECTIONS = 100;
  private static final Duration CONVERGE = Duration.ofSeconds(150);

  /** Small batches and a Schedule RPC budget, so that the fan-out takes seconds and the delete lands inside it. */
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app(Map.of(
      "fanOut.batchSize", "10",
      "fanOut.parallelism", "2",
      "fanOut.scheduleRpcPerSecond", "60"));

  private final Api api = ServiceHarness.api(APP);
  private final Integrations integrations = new Integrations(api, ServiceHarness.schedules());

  @Test
  void deletingAnIntegrationMidFanOutLeavesNoScheduleBehindAndResurrectsNone() {
    String id = integrations.create(newId("delete-midway"), 60_000);
    List<JsonNode> connections = integrations.connect(id, CONNECTIONS, 8);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connections));

    Response put = api.put(path(id), Map.of("provider", "salesforce", "name", "about to go", "periodMs", 120_000), Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String runPath = path(id) + "/updates/" + put.json().at("/update/id").asText();
    JsonNode midway = Eventually.value(CONVERGE, () -> api.get(runPath).json(), r -> r.get("schedulesApplied").asInt() > 0);
    Response deleted = api.delete(path(id));
    assertThat(midway.get("state").asText()).isEqualTo("PROPAGATING");
    assertThat(midway.get("schedulesApplied").asInt()).as("applied when the delete was sent").isLessThan(CONNECTIONS);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(202);

    // Requests that would write a Schedule while the delete runs are refused.
    Response connect = api.post(path(id) + "/connections", Map.of("customerId", "late-customer"));
    assertThat(connect.status()).as(connect.toString()).isIn(404, 409);
    Response change = api.patch(path(id), Map.of("periodMs", 130_000), Map.of());
    assertThat(change.status()).as(change.toString()).isIn(404, 409);

    Eventually.within(CONVERGE, () -> assertThat(api.get(path(id)).status()).isEqualTo(404));
    // Only the workflow writes this integration's Schedules: once it has closed, nothing can bring one back.
    Eventually.within(CONVERGE, () -> assertThat(executorStatus(id))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));
    List<String> left = new ArrayList<>();
    for (JsonNode c : connections) {
      if (!integrations.scheduleMissing(c.get("scheduleId").asText())) {
        left.add(c.get("scheduleId").asText());
      }
    }
    assertThat(left).as("Schedules left after the delete").isEmpty();
    assertThat(integrations.scheduleMissing(Names.scheduleId(id, "late-customer"))).isTrue();
    assertThat(api.get(path(id) + "/connections").status()).isEqualTo(404);
  }

  private static WorkflowExecutionStatus executorStatus(String id) {
    return ServiceHarness.stubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(Names.updateWorkflowId(id)))
            .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }
}
