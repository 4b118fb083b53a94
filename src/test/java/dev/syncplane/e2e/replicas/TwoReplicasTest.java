package dev.syncplane.e2e.replicas;

import static dev.syncplane.support.Integrations.newId;
import static dev.syncplane.support.Integrations.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.Race;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.ServiceProcess;
import dev.syncplane.support.VersionSampler;
import dev.syncplane.temporal.Names;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas of the service (separate JVMs, same jar and settings, other ports) on one Temporal and one
 * PostgreSQL, as a deployment behind a load balancer runs them. bin/test runs this class on the dev server and
 * again on the real Temporal server with its default limits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoReplicasTest {
  private static final Duration CONVERGE = Duration.ofSeconds(180);
  private static final int PUTS = 20;
  /** Seconds of sustained load; {@code -Dsyncplane.test.sustainSeconds} changes it. */
  private static final int SUSTAIN_SECONDS = Integer.getInteger("syncplane.test.sustainSeconds", 60);

  /** Batches of 10 and a small pace, so that a pass over 200 Schedules takes seconds and a kill lands inside it. */
  private static final Map<String, String> SETTINGS = Map.of(
      "fanOut.batchSize", "10",
      "fanOut.parallelism", "2",
      "fanOut.scheduleRpcPerSecond", "60");
  private static final ServiceProcess A = new ServiceProcess("replica-a", SETTINGS);
  private static final ServiceProcess B = new ServiceProcess("replica-b", SETTINGS);

  @BeforeAll
  static void start() {
    A.start();
    B.start();
  }

  @AfterAll
  static void stop() {
    A.close();
    B.close();
  }

  private static Integrations integrations(ServiceProcess replica) {
    return new Integrations(replica.api(), ServiceHarness.schedules());
  }

  @Test
  @Order(1)
  void twentyConcurrentPutsSplitAcrossBothReplicasAreAll200AsFastAsThroughOne() throws Exception {
    Integrations viaA = integrations(A);
    String id = viaA.create(newId("replicas-burst"), 60_000);
    List<JsonNode> connections = viaA.connect(id, 30, 4);
    Eventually.within(CONVERGE, () -> viaA.assertSchedulesMatchDb(id, connections));
    VersionSampler sampler =
        new VersionSampler(viaA, connections.stream().map(c -> c.get("scheduleId").asText()).toList());
    sampler.start();

    Burst one = burst(id, i -> A.api(), 0);
    Eventually.within(CONVERGE, () -> viaA.assertSchedulesMatchDb(id, connections));
    Burst two = burst(id, i -> (i % 2 == 0 ? A : B).api(), PUTS);
    Eventually.within(CONVERGE, () -> viaA.assertSchedulesMatchDb(id, connections));
    sampler.stopAfterOneMoreRound();

    System.out.printf("20 PUTs: through one replica p50 %d ms (max %d); split across two p50 %d ms (max %d)%n",
        one.p50().toMillis(), one.max().toMillis(), two.p50().toMillis(), two.max().toMillis());
    for (Burst b : List.of(one, two)) {
      assertThat(b.answers()).as("every answer 200").allMatch(r -> r.status() == 200, "200");
    }
    List<Long> versions = new ArrayList<>();
    one.answers().forEach(r -> versions.add(r.json().at("/update/version").asLong()));
    two.answers().forEach(r -> versions.add(r.json().at("/update/version").asLong()));
    assertThat(versions).as("each 200 a version of its own").doesNotHaveDuplicates()
        .allMatch(v -> v >= 2 && v <= 1 + 2 * PUTS);
    assertThat(viaA.get(id).get("version").asLong()).isEqualTo(1 + 2 * PUTS);
    // Within 2x of the same burst through one replica (a 100 ms floor: both are a few hundred ms on 2 cores).
    assertThat(two.p50()).as("p50 split across two replicas, against one replica's %s", one.p50())
        .isLessThanOrEqualTo(max(one.p50().multipliedBy(2), one.p50().plusMillis(100)));
    assertThat(sampler.decreases).as("a Schedule's ConfigVersion went down").isEmpty();
    assertThat(sampler.last.values()).containsOnly(1L + 2 * PUTS);
    viaA.deleteAndWait(id, CONVERGE);
  }

  @Test
  @Order(2)
  void sustainedChangesConnectsAndDisconnectsFromEightClientsOverBothReplicasAnswerNo5xxAndLoseNothing()
      throws Exception {
    Integrations viaA = integrations(A);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id = viaA.create(newId("replicas-sustained"), 60_000);
      viaA.connect(id, 3);
      ids.add(id);
    }
    Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>(); // changes accepted per integration
    ids.forEach(id -> accepted.put(id, new AtomicInteger()));
    Map<String, Set<String>> connected = new ConcurrentHashMap<>(); // customer ids per integration, as answered
    for (String id : ids) {
      Set<String> customers = ConcurrentHashMap.newKeySet();
      for (JsonNode c : list(A.api().get(path(id) + "/connections"))) {
        customers.add(c.get("customerId").asText());
      }
      connected.put(id, customers);
    }
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger throttled = new AtomicInteger();
    Instant end = Instant.now().plusSeconds(SUSTAIN_SECONDS);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      int client = c;
      running.add(clients.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = 0;
        while (Instant.now().isBefore(end) && failures.size() < 5) {
          Api api = ((client + n++) % 2 == 0 ? A : B).api();
          String id = ids.get(random.nextInt(ids.size()));
          int op = random.nextInt(10);
          Response r;
          if (op < 6) {
            r = api.put(path(id), Map.of("provider", "salesforce", "name", "client " + client + " #" + n,
                "periodMs", 60_000L + random.nextInt(600) * 1_000L, "syncEnabled", random.nextBoolean()),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
            if (r.status() == 200 || r.status() == 202) {
              accepted.get(id).incrementAndGet();
            }
          } else if (op < 9 || connected.get(id).isEmpty()) {
            String customer = "c" + client + "-" + n;
            r = api.post(path(id) + "/connections", Map.of("customerId", customer));
            if (r.status() == 201 || r.status() == 202) {
              connected.get(id).add(customer);
            }
          } else {
            List<JsonNode> mine = list(api.get(path(id) + "/connections")).stream()
                .filter(j -> j.get("customerId").asText().startsWith("c" + client + "-")).toList();
            if (mine.isEmpty()) {
              continue;
            }
            JsonNode victim = mine.get(random.nextInt(mine.size()));
            r = api.delete(path(id) + "/connections/" + victim.get("id").asText());
            if (r.status() == 204 || r.status() == 202) {
              connected.get(id).remove(victim.get("customerId").asText());
            }
          }
          requests.incrementAndGet();
          if (r.status() == 429) {
            throttled.incrementAndGet(); // throttled, said so with Retry-After: the client may try again later
            assertThat(r.header("Retry-After")).isNotNull();
          } else if (r.status() >= 300) {
            failures.add(r.toString());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    clients.shutdown();
    System.out.printf("sustained %d s: %d requests from 8 clients over two replicas, %d throttled (429), failures %s%n",
        SUSTAIN_SECONDS, requests.get(), throttled.get(), failures);

    assertThat(failures).as("answers other than 2xx and 429").isEmpty();
    for (String id : ids) {
      JsonNode db = viaA.get(id);
      assertThat(db.get("version").asLong()).as(id + ": one version per accepted change")
          .isEqualTo(1 + accepted.get(id).get());
      List<JsonNode> rows = list(A.api().get(path(id) + "/connections?limit=200"));
      assertThat(rows.stream().map(j -> j.get("customerId").asText()).toList())
          .as(id + ": the connections the answers said exist").containsExactlyInAnyOrderElementsOf(connected.get(id));
      Eventually.within(CONVERGE, () -> viaA.assertSchedulesMatchDb(id, rows));
      Eventually.within(CONVERGE, () -> assertThat(status(id).get("inSync").asBoolean()).as(id + " in sync").isTrue());
    }
    ids.forEach(id -> viaA.deleteAndWait(id, CONVERGE));
  }

  @Test
  @Order(3)
  void aRollingRestartMidBurstLosesNoChangeAndAppliesNoneTwice() throws Exception {
    Integrations viaA = integrations(A);
    String id = viaA.create(newId("replicas-rolling"), 60_000);
    List<JsonNode> connections = viaA.connect(id, 20, 4);
    AtomicBoolean restarting = new AtomicBoolean(true);
    Set<String> acceptedKeys = ConcurrentHashMap.newKeySet();
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger redirected = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      running.add(clients.submit(() -> {
        int n = 0;
        while (restarting.get() && failures.size() < 5) {
          String key = "rolling-" + client + "-" + n++;
          Map<String, Object> body = Map.of("provider", "salesforce", "name", key, "periodMs", 60_000L + n * 1_000L);
          Response r = throughTheBalancer(client + n, () -> redirected.incrementAndGet(),
              api -> api.put(path(id), body, Map.of("Idempotency-Key", key)));
          if (r.status() == 200 || r.status() == 202) {
            acceptedKeys.add(key);
          } else {
            failures.add(r.toString());
          }
        }
        return null;
      }));
    }
    for (ServiceProcess replica : List.of(A, B)) {
      Thread.sleep(2_000);
      replica.close(); // SIGTERM: Dropwizard drains the requests it has, the balancer sends new ones to the other
      replica.start();
    }
    Thread.sleep(2_000);
    restarting.set(false);
    for (Future<?> f : running) {
      f.get();
    }
    clients.shutdown();
    System.out.printf("rolling restart: %d changes accepted, %d requests sent to the other replica, failures %s%n",
        acceptedKeys.size(), redirected.get(), failures);

    assertThat(failures).as("answers other than 200 and 202").isEmpty();
    assertThat(integrations(A).get(id).get("version").asLong()).as("one version per accepted change, none twice")
        .isEqualTo(1 + acceptedKeys.size());
    List<String> keysInDb = dev.syncplane.support.TestPostgres.jdbi().withHandle(h -> h.createQuery(
            "SELECT idempotency_key FROM update_runs WHERE integration_id = :id AND kind = 'CHANGE'")
        .bind("id", id).mapTo(String.class).list());
    assertThat(keysInDb).as("one update run per accepted change, each once").doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(acceptedKeys);
    Eventually.within(CONVERGE, () -> integrations(A).assertSchedulesMatchDb(id, connections));
    integrations(A).deleteAndWait(id, CONVERGE);
  }

  @Test
  @Order(4)
  void theReplicaRunningAFanOutIsKilledAndTheOtherFinishesIt() {
    Integrations viaA = integrations(A);
    String id = viaA.create(newId("replicas-killed"), 60_000);
    List<JsonNode> connections = viaA.connect(id, 200, 8);
    Eventually.within(CONVERGE, () -> viaA.assertSchedulesMatchDb(id, connections));

    Response put = A.api().put(path(id),
        Map.of("provider", "salesforce", "name", "changed before the kill", "periodMs", 120_000), Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    long pid = Eventually.value(CONVERGE, () -> fanOutWorkerPid(id), Optional::isPresent).orElseThrow();
    ServiceProcess running = pid == A.pid() ? A : B;
    ServiceProcess other = running == A ? B : A;
    JsonNode midway = other.api().get(path(id) + "/updates/" + put.json().at("/update/id").asText()).json();
    running.kill();

    assertThat(midway.get("state").asText()).as("the pass was under way at the kill").isEqualTo("PROPAGATING");
    Integrations survivor = integrations(other);
    Eventually.within(CONVERGE, () -> survivor.assertSchedulesMatchDb(id, connections));
    Eventually.within(CONVERGE, () -> {
      JsonNode run = other.api().get(path(id) + "/updates/" + put.json().at("/update/id").asText()).json();
      assertThat(run.get("state").asText()).isEqualTo("APPLIED");
      assertThat(run.get("schedulesApplied").asInt()).isEqualTo(connections.size());
    });
    assertThat(survivor.get(id).get("version").asLong()).isEqualTo(2);
    running.start();
    survivor.deleteAndWait(id, CONVERGE);
  }

  // --- helpers

  private record Burst(List<Response> answers, List<Duration> took) {
    Duration p50() {
      List<Duration> sorted = new ArrayList<>(took);
      Collections.sort(sorted);
      return sorted.get(sorted.size() / 2);
    }

    Duration max() {
      return Collections.max(took);
    }
  }

  /** 20 PUTs released together, PUT {@code i} through {@code replica.apply(i)}. */
  private static Burst burst(String id, java.util.function.IntFunction<Api> replica, int offset) throws Exception {
    List<Duration> took = new CopyOnWriteArrayList<>();
    List<Response> answers = Race.run(PUTS, i -> {
      Api api = replica.apply(i);
      Map<String, Object> body = Map.of("provider", "salesforce", "name", "put " + (offset + i + 1),
          "periodMs", 60_000L + (offset + i + 1) * 1_000L, "syncEnabled", (i + 1) % 2 == 0);
      return () -> {
        long started = System.nanoTime();
        Response r = api.put(path(id), body, Map.of());
        took.add(Duration.ofNanos(System.nanoTime() - started));
        return r;
      };
    });
    return new Burst(answers, took);
  }

  /**
   * What a load balancer does: the request goes to replica {@code n % 2}, or to the other one when that replica
   * does not take connections (stopped, or restarting) or answers 503 SHUTTING_DOWN (stopping: it read nothing).
   */
  private static Response throughTheBalancer(int n, Runnable onRedirect, java.util.function.Function<Api, Response> call) {
    ServiceProcess first = n % 2 == 0 ? A : B;
    ServiceProcess second = first == A ? B : A;
    for (int attempt = 0; attempt < 50; attempt++) {
      for (ServiceProcess replica : List.of(first, second)) {
        try {
          if (replica.isAlive()) {
            Response r = call.apply(replica.api());
            boolean stopping = r.status() == 503 && r.raw().contains("\"SHUTTING_DOWN\"");
            if (!stopping) { // a stopping replica says it read nothing: the balancer sends it elsewhere
              return r;
            }
            assertThat(r.header("Retry-After")).isNotNull();
          }
        } catch (RuntimeException e) {
          if (!(rootCause(e) instanceof ConnectException) && !(rootCause(e) instanceof HttpTimeoutException)
              && !(rootCause(e) instanceof java.io.IOException)) {
            throw e;
          }
        }
        onRedirect.run();
      }
      sleep(200);
    }
    throw new AssertionError("neither replica took the request");
  }

  private static Throwable rootCause(Throwable e) {
    return com.google.common.base.Throwables.getRootCause(e);
  }

  /**
   * The pid in the identity ({@code pid@host}) of the worker running the integration's Schedule batch, if any: a
   * pending activity of the pass under way, a child run of the integration's workflow.
   */
  private static Optional<Long> fanOutWorkerPid(String integrationId) {
    var parent = describe(WorkflowExecution.newBuilder().setWorkflowId(Names.updateWorkflowId(integrationId)).build());
    for (var child : parent.getPendingChildrenList()) {
      io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse described;
      try {
        described = describe(
            WorkflowExecution.newBuilder().setWorkflowId(child.getWorkflowId()).setRunId(child.getRunId()).build());
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
          throw e;
        }
        continue; // initiated but not started yet, or just closed: no batch of it is running
      }
      Optional<Long> pid = batchWorkerPid(described);
      if (pid.isPresent()) {
        return pid;
      }
    }
    return Optional.empty();
  }

  private static io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse describe(WorkflowExecution run) {
    return ServiceHarness.stubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default").setExecution(run).build());
  }

  private static Optional<Long> batchWorkerPid(io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse described) {
    for (PendingActivityInfo a : described.getPendingActivitiesList()) {
      String type = a.getActivityType().getName();
      if ((type.equals("BeginPass") || type.equals("ContinuePass")) && a.getLastWorkerIdentity().contains("@")) {
        return Optional.of(Long.parseLong(a.getLastWorkerIdentity().substring(0, a.getLastWorkerIdentity().indexOf('@'))));
      }
    }
    return Optional.empty();
  }

  private static List<JsonNode> list(Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode body = r.json();
    JsonNode items = body.has("items") ? body.get("items") : body;
    List<JsonNode> out = new ArrayList<>();
    items.forEach(out::add);
    return out;
  }

  private static JsonNode status(String id) {
    return A.api().get(path(id) + "/status").json();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
