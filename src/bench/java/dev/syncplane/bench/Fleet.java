package dev.syncplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.support.Api;
import dev.syncplane.support.Api.Response;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.ActualSchedule;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleListDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * Integrations with many connections, for the benchmark, driven through the service's API. Only the
 * connection rows are written straight into the DB (connecting 20,000 customers one request at a time
 * would take the benchmark's whole budget); the first PUT then creates their Schedules through the
 * ordinary fan-out. Schedules are paused ({@code syncEnabled: false}) so that none starts a sync while
 * the benchmark runs.
 */
final class Fleet {
  static final long BASE_PERIOD_MS = 3_600_000;

  private final Api api;
  private final Jdbi jdbi;
  private final ScheduleClient schedules;

  Fleet(Api api, Jdbi jdbi, ScheduleClient schedules) {
    this.api = api;
    this.jdbi = jdbi;
    this.schedules = schedules;
  }

  Fleet on(Api other) {
    return new Fleet(other, jdbi, schedules);
  }

  /** What a PUT answered: its update run, the version it committed, and when it was sent. */
  record Put(String updateId, long version, long sentNanos, long answeredNanos) {}

  /** Creates the integration (API), inserts {@code connections} rows (SQL), and creates their Schedules with a PUT. */
  String create(String id, int connections, Duration patience) {
    Response created = api.post("/api/v1/integrations",
        Map.of("id", id, "provider", "stripe", "name", "bench " + id, "periodMs", BASE_PERIOD_MS, "syncEnabled", false));
    check(created, 201);
    if (connections > 0) {
      jdbi.useHandle(h -> h.createUpdate(
              "INSERT INTO connections (id, integration_id, customer_id)"
                  + " SELECT :id || '.c' || lpad(g::text, 6, '0'), :id, 'cust' || lpad(g::text, 6, '0')"
                  + " FROM generate_series(1, :n) g")
          .bind("id", id).bind("n", connections).execute());
      Put put = put(id);
      awaitApplied(id, put.updateId(), patience);
    }
    return id;
  }

  /** A PUT that changes the interval: a new version for every Schedule of the integration. */
  Put put(String id) {
    return put(id, integrations().find(id).orElseThrow().version());
  }

  /**
   * {@link #put(String)} of an integration known to be at {@code version} (what the last PUT answered), without
   * reading it first: a load of back-to-back PUTs then costs the machine only the PUTs.
   */
  Put put(String id, long version) {
    long sent = System.nanoTime();
    Response r = api.put("/api/v1/integrations/" + id,
        Map.of("name", "bench " + id, "periodMs", periodFor(version + 1), "syncEnabled", false), Map.of());
    long answered = System.nanoTime();
    check(r, 200);
    return new Put(r.json().get("update").get("id").asText(), r.json().get("integration").get("version").asLong(), sent, answered);
  }

  /** Status reads this far apart for the first {@link #FINE_POLL_FOR}, then {@link #COARSE_POLL_MS}. */
  static final long FINE_POLL_MS = 10;
  static final Duration FINE_POLL_FOR = Duration.ofSeconds(2);
  static final long COARSE_POLL_MS = 50;

  /**
   * Polls the update run until APPLIED; returns System.nanoTime() of the first reading that said so. Every 10 ms for
   * the first 2 s, then every 50 ms: a small integration's pass takes tens of ms, and a coarse poll alone would add
   * up to 50 ms to it; a long pass's figure is not moved by 50 ms, and fewer reads leave its CPU to the pass.
   */
  long awaitApplied(String id, String updateId, Duration patience) {
    long start = System.nanoTime();
    long deadline = start + patience.toNanos();
    while (true) {
      Response r = api.get("/api/v1/integrations/" + id + "/updates/" + updateId);
      long now = System.nanoTime();
      if (r.status() == 200 && "APPLIED".equals(r.json().get("state").asText())) {
        return now;
      }
      if (now > deadline) {
        throw new IllegalStateException("update " + updateId + " of " + id + " not APPLIED within " + patience + ": " + r);
      }
      Bench.pause(now - start < FINE_POLL_FOR.toNanos() ? FINE_POLL_MS : COARSE_POLL_MS);
    }
  }

  /**
   * Waits until Temporal's Schedule list shows all {@code expected} Schedules of the integration at
   * {@code version} (the list is eventually consistent, and the server applies an UpdateSchedule to the
   * Schedule's own workflow after the call returns); returns System.nanoTime() of the reading that did.
   * Asks only for the Schedules still below the version, one at a time, so that polling stays cheap.
   */
  long awaitListedAt(String id, long version, int expected, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    String behind = Names.schedulesOfIntegrationQuery(id) + " AND ConfigVersion < " + version;
    while (true) {
      boolean anyBehind;
      try (Stream<ScheduleListDescription> listed = schedules.listSchedules(behind, 1)) {
        anyBehind = listed.findAny().isPresent();
      }
      long now = System.nanoTime();
      if (!anyBehind) {
        long atVersion;
        try (Stream<ScheduleListDescription> listed = schedules.listSchedules(Names.schedulesOfIntegrationQuery(id), 1000)) {
          atVersion = listed.filter(d -> ActualSchedule.of(d).version() == version).count();
        }
        if (atVersion == expected) {
          return now;
        }
      }
      if (now > deadline) {
        throw new IllegalStateException(id + ": not every one of " + expected + " Schedules listed at v" + version + " after " + patience);
      }
      Bench.pause(250);
    }
  }

  /** Every Schedule of the integration as the DB wants it now. */
  List<DesiredSchedule> desired(String id) {
    return desired(id, integrations().find(id).orElseThrow().scheduleConfig());
  }

  /**
   * Every Schedule of the integration as a PUT to {@code version} would write it (the interval a PUT
   * sets for that version), without touching the DB: what a baseline writes on its own set of Schedules.
   */
  List<DesiredSchedule> desiredAt(String id, long version) {
    ScheduleConfig now = integrations().find(id).orElseThrow().scheduleConfig();
    return desired(id, new ScheduleConfig(now.provider(), periodFor(version), now.syncEnabled(), version));
  }

  static long periodFor(long version) {
    return BASE_PERIOD_MS + version * 60_000;
  }

  private List<DesiredSchedule> desired(String id, ScheduleConfig config) {
    List<DesiredSchedule> all = new ArrayList<>();
    String after = null;
    List<Connection> page;
    do {
      page = connections().page(id, after, 1000);
      page.forEach(c -> all.add(DesiredSchedule.of(c, config)));
      after = page.isEmpty() ? after : page.get(page.size() - 1).id();
    } while (page.size() == 1000);
    return all;
  }

  void delete(String id, Duration patience) {
    Response r = api.delete("/api/v1/integrations/" + id);
    check(r, r.status() == 202 ? 202 : 200);
    long deadline = System.nanoTime() + patience.toNanos();
    while (api.get("/api/v1/integrations/" + id).status() != 404) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " not deleted within " + patience);
      }
      Bench.pause(500);
    }
  }

  IntegrationDao integrations() {
    return jdbi.onDemand(IntegrationDao.class);
  }

  ConnectionDao connections() {
    return jdbi.onDemand(ConnectionDao.class);
  }

  static JsonNode check(Response r, int status) {
    if (r.status() != status) {
      throw new IllegalStateException("expected " + status + ", got " + r);
    }
    return r.json();
  }
}
