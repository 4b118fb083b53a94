package dev.syncplane.temporal.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestPostgres;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The workflow's Schedule activities against the real dev server and PostgreSQL, in the one case the
 * workflow's serialization cannot cover: an attempt that outlived its timeout, still writing while the
 * executor has moved on to a disconnect.
 */
class ScheduleActivitiesImplTest {
  private final Jdbi jdbi = TestPostgres.jdbi();
  private final IntegrationDao integrations = jdbi.onDemand(IntegrationDao.class);
  private final ConnectionDao connections = jdbi.onDemand(ConnectionDao.class);
  private final ExecutorService writers = Executors.newFixedThreadPool(4);
  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  private final String id = Integrations.newId("zombie");

  @AfterEach
  void close() {
    env.close();
    writers.shutdownNow();
  }

  @Test
  void aBatchAttemptThatOutlivedADisconnectLeavesNoScheduleForIt() {
    integrations.insert(id, "salesforce", "Zombie", 60_000, true);
    connections.insertIfAbsent("c-acme-" + id, id, "acme");
    connections.insertIfAbsent("c-globex-" + id, id, "globex");
    ScheduleConfig config = integrations.find(id).orElseThrow().scheduleConfig();
    ScheduleGateway plain = ServiceHarness.gateway();
    for (String customer : new String[] {"acme", "globex"}) {
      Connection c = connections.findByCustomer(id, customer).orElseThrow();
      plain.apply(DesiredSchedule.of(c, config), config::version, connections::isLive);
    }

    // The batch has read its page (both customers) and passed the fence; before it writes acme's Schedule,
    // the workflow (having given up on this attempt) runs acme's disconnect: its rows, then its Schedule.
    AtomicReference<ScheduleActivitiesImpl> activities = new AtomicReference<>();
    ScheduleGateway lateWriter =
        new ScheduleGateway(ServiceHarness.stubs(), ServiceHarness.scheduleOptions(), 0) {
          @Override
          public Outcome apply(DesiredSchedule desired, LongSupplier committedVersion, Predicate<Connection> live) {
            if (desired.connection().customerId().equals("acme")) {
              activities.get().disconnect(new DisconnectCommand(id, desired.connection().id(), "acme"));
            }
            return super.apply(desired, committedVersion, live);
          }
        };
    activities.set(activities(lateWriter));
    env.registerActivitiesImplementations(activities.get());
    ScheduleActivities batch =
        env.newActivityStub(
            ScheduleActivities.class, ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());

    BatchResult result = batch.continuePass(new BatchRequest(id, null, 0), 1);

    assertThat(result.done()).isTrue();
    assertThat(plain.describe(Names.scheduleId(id, "acme"))).as("acme's Schedule, disconnected").isEmpty();
    assertThat(plain.describe(Names.scheduleId(id, "globex"))).as("globex's, still connected").isPresent();
    assertThat(connections.findByCustomer(id, "acme")).isEmpty();
  }

  @Test
  void aConnectAttemptThatOutlivedADisconnectConnectsNothing() {
    integrations.insert(id, "salesforce", "Zombie", 60_000, true);
    ScheduleGateway gateway = ServiceHarness.gateway();
    ScheduleActivitiesImpl activities = activities(gateway);
    ConnectCommand connect = new ConnectCommand(id, "c-acme-" + id, "acme");
    activities.connect(connect);
    String scheduleId = Names.scheduleId(id, "acme");
    assertThat(gateway.describe(scheduleId)).isPresent();

    activities.disconnect(new DisconnectCommand(id, connect.connectionId(), "acme"));
    // The connect's first attempt, which the workflow gave up on before it ran the disconnect, runs now:
    assertThatThrownBy(() -> activities.connect(connect)).hasMessageContaining("was disconnected while");

    assertThat(connections.findByCustomer(id, "acme")).isEmpty();
    assertThat(gateway.describe(scheduleId)).isEmpty();
  }

  private ScheduleActivitiesImpl activities(ScheduleGateway gateway) {
    return new ScheduleActivitiesImpl(
        integrations,
        connections,
        jdbi.onDemand(UpdateRunDao.class),
        jdbi.onDemand(SyncRunDao.class),
        gateway,
        writers,
        500,
        new SyncplaneMetrics(new MetricRegistry()));
  }
}
