package dev.syncplane.resources;

import static dev.syncplane.resources.ApiResources.assertProblem;
import static dev.syncplane.resources.ApiResources.call;
import static dev.syncplane.resources.ApiResources.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.db.DriftReportDao;
import dev.syncplane.service.DriftRepairService;
import dev.syncplane.temporal.drift.DriftReport;
import dev.syncplane.temporal.drift.DriftState;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.grpc.Status;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * /api/v1/drift-repair in Jersey's in-memory container: the real DriftRepairService; the WorkflowClient (and
 * the drift-repair workflow's stub and update handle) and DriftReportDao are mocks.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DriftRepairResourceTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final String PATH = "/api/v1/drift-repair";
  /** Shorter than config.yml's 30 s apiWaitMs: the 202 test waits it out. */
  private static final Duration WAIT = Duration.ofMillis(200);

  private final WorkflowClient client = mock(WorkflowClient.class);
  private final WorkflowStub workflow = mock(WorkflowStub.class);
  @SuppressWarnings("unchecked")
  private final WorkflowUpdateHandle<DriftReport> handle = mock(WorkflowUpdateHandle.class);
  private final DriftReportDao reports = mock(DriftReportDao.class);

  final ResourceExtension resources = ApiResources.extension(new DriftRepairResource(
      new DriftRepairService(client, reports, ApiResources.MAPPER, ApiResources.temporal(), WAIT)));

  private static DriftReport report(boolean deep) {
    return new DriftReport("scan-1", DriftReport.ON_DEMAND, deep, T0, T0.plusSeconds(2), 2_000, 1, 2, 2, 0, 2, 0,
        Map.of(), Map.of(), 0, List.of(), List.of());
  }

  private void workflowRuns() {
    when(client.newUntypedWorkflowStub(eq("drift-repair"), any(), any())).thenReturn(workflow);
  }

  @SuppressWarnings("unchecked")
  private void repairAnswers(CompletableFuture<DriftReport> result) {
    workflowRuns();
    when(workflow.startUpdate(any(UpdateOptions.class), any())).thenReturn(handle);
    when(handle.getResultAsync()).thenReturn(result);
  }

  /** The argument the repair Update was started with. */
  @SuppressWarnings("unchecked")
  private Object scanSent() {
    var argument = org.mockito.ArgumentCaptor.forClass(Object.class);
    verify(workflow).startUpdate(any(UpdateOptions.class), argument.capture());
    return argument.getValue();
  }

  @Test
  void repairNowIsDeepByDefaultAndAnswers200WithTheReport() {
    repairAnswers(CompletableFuture.completedFuture(report(true)));

    Response r = call(resources, PATH).post(Entity.json(""));

    assertThat(r.getStatus()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("scanId").asText()).isEqualTo("scan-1");
    assertThat(body.get("deep").asBoolean()).isTrue();
    assertThat(scanSent()).isEqualTo("deep");
  }

  @Test
  void scanListIsPassedToTheRepairUpdate() {
    repairAnswers(CompletableFuture.completedFuture(report(false)));

    Response r = resources.target(PATH).queryParam("scan", "list").request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).post(Entity.json(""));

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(scanSent()).isEqualTo("list");
  }

  @Test
  void repairNotDoneWithinTheWaitIs202WithTheUpdateToFollow() {
    repairAnswers(new CompletableFuture<>());

    Response r = call(resources, PATH).post(Entity.json(""));

    assertThat(r.getStatus()).isEqualTo(202);
    JsonNode body = json(r);
    assertThat(body.get("workflowId").asText()).isEqualTo("drift-repair");
    assertThat(body.get("updateId").asText()).startsWith("api-");
    assertThat(body.get("state").asText()).isEqualTo("RUNNING");
  }

  @ParameterizedTest(name = "scan={0}")
  @ValueSource(strings = {"shallow", "DEEP", "deep,list", " list"})
  void badScanIs400NamingTheValuesAndStartsNothing(String scan) {
    Response r = resources.target(PATH).queryParam("scan", scan).request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).post(Entity.json(""));

    assertProblem(r, 400, ErrorCode.INVALID_PARAMETER, "scan must be one of [deep, list]; got " + scan);
    verifyNoInteractions(client, reports);
  }

  @Test
  void badScanIsAnsweredWithoutEchoingMoreThan40CharactersOfIt() {
    Response r = resources.target(PATH).queryParam("scan", "s".repeat(300)).request()
        .header("Authorization", "Bearer " + ApiResources.TOKEN).post(Entity.json(""));

    JsonNode p = assertProblem(r, 400, ErrorCode.INVALID_PARAMETER, "s".repeat(40) + "…");
    assertThat(p.get("detail").asText()).doesNotContain("s".repeat(41));
  }

  @Test
  void repairBeforeTheWorkflowRunsIs503WithRetryAfter() {
    workflowRuns();
    when(workflow.startUpdate(any(UpdateOptions.class), any())).thenThrow(Status.NOT_FOUND.asRuntimeException());

    Response r = call(resources, PATH).post(Entity.json(""));

    assertProblem(r, 503, ErrorCode.DRIFT_REPAIR_NOT_RUNNING, "Retry shortly");
    assertThat(r.getHeaderString("Retry-After")).isEqualTo("5");
  }

  @Test
  void repairWithoutTheTokenIs401AndStartsNothing() {
    assertProblem(resources.target(PATH).request().post(Entity.json("")), 401, ErrorCode.UNAUTHORIZED);
    verifyNoInteractions(client);
  }

  @Test
  void getAnswersTheNewerReportOfWorkflowAndDatabase() throws Exception {
    workflowRuns();
    when(reports.latest()).thenReturn(Optional.of(ApiResources.MAPPER.writeValueAsString(report(true))));
    DriftReport newer = new DriftReport("scan-2", DriftReport.PERIODIC, false, T0.plusSeconds(60), T0.plusSeconds(61), 1_000,
        1, 2, 2, 0, 0, 0, Map.of(), Map.of(), 0, List.of(), List.of());
    when(workflow.query("state", DriftState.class)).thenReturn(new DriftState(false, T0.plusSeconds(360), newer));

    Response r = call(resources, PATH).get();

    assertThat(r.getStatus()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("workflowRunning").asBoolean()).isTrue();
    assertThat(body.get("nextRunAt").asText()).isEqualTo("2025-01-01T00:06:00Z");
    assertThat(body.get("lastReport").get("scanId").asText()).isEqualTo("scan-2");
  }
}
