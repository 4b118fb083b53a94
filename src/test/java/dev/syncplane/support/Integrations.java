package dev.syncplane.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.support.Api.Response;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.sync.SyncRequest;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the end-to-end tests do with integrations through the REST API, and how they compare every
 * Schedule described in Temporal with the DB.
 */
public final class Integrations {
  private final Api api;
  private final ScheduleClient schedules;

  public Integrations(Api api, ScheduleClient schedules) {
    this.api = api;
    this.schedules = schedules;
  }

  public static String newId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static String path(String id) {
    return "/api/v1/integrations/" + id;
  }

  /** Creates an integration through the API and checks the 201 answer. */
  public String create(String id, long periodMs) {
    Response r = api.post("/api/v1/integrations",
        Map.of("id", id, "provider", "salesforce", "name", "Salesforce " + id, "periodMs", periodMs));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.header("ETag")).isEqualTo("\"1\"");
    assertThat(r.json().get("version").asLong()).isEqualTo(1);
    return id;
  }

  /** Connects customers {@code customer-0 … customer-(n-1)}, one request each, in order. */
  public List<JsonNode> connect(String id, int customers) {
    return connect(id, customers, 1);
  }

  /**
   * As {@link #connect(String, int)}, with {@code concurrency} requests in flight (for large setups).
   * A connect still queued behind the others when the bounded wait ends is answered 202 and completes
   * later: accepted too (callers wait for the Schedules anyway).
   */
  public List<JsonNode> connect(String id, int customers, int concurrency) {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<JsonNode>> answers = new ArrayList<>();
      for (int i = 0; i < customers; i++) {
        String customer = "customer-" + i;
        answers.add(pool.submit(() -> {
          Response r = api.post(path(id) + "/connections", Map.of("customerId", customer));
          assertThat(r.status()).as(r.toString()).isIn(201, concurrency > 1 ? 202 : 201);
          assertThat(r.json().get("scheduleId").asText()).isEqualTo(Names.scheduleId(id, customer));
          return r.json();
        }));
      }
      List<JsonNode> connections = new ArrayList<>();
      for (Future<JsonNode> a : answers) {
        connections.add(a.get());
      }
      return connections;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError a) {
        throw a;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Deletes the integration through the API and waits until it is gone, so that a big test does not
   * leave hundreds of Schedules starting syncs on the shared dev server for the tests after it.
   */
  public void deleteAndWait(String id, Duration timeout) {
    Response deleted = api.delete(path(id));
    assertThat(deleted.status()).as(deleted.toString()).isIn(200, 202);
    Eventually.within(timeout, () -> assertThat(api.get(path(id)).status()).isEqualTo(404));
  }

  /** The integration as the API reads it from the DB. */
  public JsonNode get(String id) {
    Response r = api.get(path(id));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  /** Every connection's Schedule, described in Temporal, carries the DB's config. */
  public void assertSchedulesMatchDb(String id, List<JsonNode> connections) {
    JsonNode db = get(id);
    for (JsonNode c : connections) {
      assertScheduleCarries(c, db);
    }
  }

  /** One connection's Schedule carries {@code integration}'s config: interval, paused, version, action. */
  public void assertScheduleCarries(JsonNode connection, JsonNode integration) {
    String id = integration.get("id").asText();
    ScheduleDescription d = schedules.getHandle(connection.get("scheduleId").asText()).describe();
    assertThat(d.getSchedule().getSpec().getIntervals()).hasSize(1);
    assertThat(d.getSchedule().getSpec().getIntervals().get(0).getEvery())
        .isEqualTo(Duration.ofMillis(integration.get("periodMs").asLong()));
    assertThat(d.getSchedule().getState().isPaused()).isEqualTo(!integration.get("syncEnabled").asBoolean());
    assertThat(ScheduleGateway.versionOf(d)).isEqualTo(integration.get("version").asLong());
    assertThat(d.getTypedSearchAttributes().get(Names.CONFIG_VERSION)).isEqualTo(integration.get("version").asLong());
    assertThat(d.getTypedSearchAttributes().get(Names.INTEGRATION_ID)).isEqualTo(id);
    assertThat(d.getTypedSearchAttributes().get(Names.CUSTOMER_ID)).isEqualTo(connection.get("customerId").asText());
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) d.getSchedule().getAction();
    assertThat(action.getWorkflowType()).isEqualTo("SyncConnectionWorkflow");
    assertThat(action.getOptions().getTaskQueue()).isEqualTo(Names.SYNC_TASK_QUEUE);
    assertThat(action.getArguments().get(0, SyncRequest.class))
        .isEqualTo(new SyncRequest(id, connection.get("id").asText(), connection.get("customerId").asText()));
  }

  /** The version the Schedule carries (what the gateway's check reads), or empty if it does not exist. */
  public java.util.OptionalLong scheduleVersion(String scheduleId) {
    try {
      return java.util.OptionalLong.of(ScheduleGateway.versionOf(schedules.getHandle(scheduleId).describe()));
    } catch (RuntimeException e) {
      if (ScheduleGateway.isNotFound(e)) {
        return java.util.OptionalLong.empty();
      }
      throw e;
    }
  }

  public boolean scheduleMissing(String scheduleId) {
    return scheduleVersion(scheduleId).isEmpty();
  }
}
