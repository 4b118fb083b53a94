package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.schedules.ScheduleGateway.Outcome;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The one place that writes Schedules, against the real Temporal dev server. */
class ScheduleGatewayTest {
  private final ScheduleGateway gateway = ServiceHarness.gateway();
  private final Connection connection =
      new Connection("conn-1", "gw-" + UUID.randomUUID().toString().substring(0, 8), "acme", null);

  private DesiredSchedule desired(long periodMs, boolean enabled, long version) {
    return DesiredSchedule.of(connection, new ScheduleConfig("salesforce", periodMs, enabled, version));
  }

  private ScheduleDescription describe() {
    return gateway.describe(desired(60_000, true, 1).scheduleId()).orElseThrow();
  }

  /** The connection still exists, as the DB would answer it right after a create. */
  private static final Predicate<Connection> LIVE = c -> true;

  /** The fence: the committed version as the DB would answer it right before the write. */
  private static LongSupplier committed(long version) {
    return () -> version;
  }

  @Test
  void writesTheDesiredScheduleInOneCallAndCreatesItWhenMissing() {
    assertThat(gateway.apply(desired(60_000, true, 3), committed(3), LIVE)).isEqualTo(Outcome.CREATED);
    ScheduleDescription created = describe();
    assertThat(ScheduleGateway.versionOf(created)).isEqualTo(3);
    assertThat(created.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(1));
    assertThat(created.getSchedule().getState().isPaused()).isFalse();

    assertThat(gateway.apply(desired(120_000, false, 4), committed(4), LIVE)).isEqualTo(Outcome.UPDATED);
    ScheduleDescription updated = describe();
    assertThat(ScheduleGateway.versionOf(updated)).isEqualTo(4);
    assertThat(updated.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(2));
    assertThat(updated.getSchedule().getState().isPaused()).isTrue();
    assertThat(updated.getTypedSearchAttributes().get(dev.syncplane.temporal.Names.INTEGRATION_ID))
        .isEqualTo(connection.integrationId());
  }

  @Test
  void aWriteOvertakenByANewerCommitWritesNothing() {
    gateway.apply(desired(60_000, true, 3), committed(3), LIVE);

    // An attempt that outlived its timeout, still holding version 2, while the DB has 3 (or a delete began):
    assertThat(gateway.apply(desired(90_000, false, 2), committed(3), LIVE)).isEqualTo(Outcome.NEWER_KEPT);
    assertThat(gateway.apply(desired(90_000, false, 3), committed(Long.MAX_VALUE), LIVE)).isEqualTo(Outcome.NEWER_KEPT);

    ScheduleDescription kept = describe();
    assertThat(ScheduleGateway.versionOf(kept)).isEqualTo(3);
    assertThat(kept.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(1));
    assertThat(kept.getSchedule().getState().isPaused()).isFalse();
  }

  @Test
  void deleteIsIdempotent() {
    gateway.apply(desired(60_000, true, 1), committed(1), LIVE);
    String id = desired(60_000, true, 1).scheduleId();

    assertThat(gateway.delete(id)).isEqualTo(Outcome.DELETED);
    assertThat(gateway.delete(id)).isEqualTo(Outcome.ABSENT);
    assertThat(gateway.describe(id)).isEmpty();
  }

  @Test
  void aMissingScheduleIsCreatedWithTheDesiredConfig() {
    String id = desired(60_000, true, 1).scheduleId();
    gateway.apply(desired(60_000, true, 5), committed(5), LIVE);
    ServiceHarness.schedules().getHandle(id).delete(); // behind our back

    assertThat(gateway.apply(desired(60_000, true, 5), committed(5), LIVE)).isEqualTo(Outcome.CREATED);
    assertThat(ScheduleGateway.versionOf(describe())).isEqualTo(5);
  }

  @Test
  void aCreateThatOutlivedItsConnectionLeavesNoSchedule() {
    // A fan-out attempt that outlived its timeout, past the fence, while a disconnect (or a delete) committed:
    String id = desired(60_000, true, 2).scheduleId();
    AtomicInteger asked = new AtomicInteger();
    Predicate<Connection> disconnected = c -> {
      asked.incrementAndGet();
      assertThat(gateway.describe(id)).as("asked after the create").isPresent();
      return false;
    };

    assertThat(gateway.apply(desired(60_000, true, 2), committed(2), disconnected)).isEqualTo(Outcome.GONE);
    assertThat(asked).hasValue(1);
    assertThat(gateway.describe(id)).isEmpty();
  }

  @Test
  void aCreateWhoseLivenessCannotBeReadLeavesNoSchedule() {
    String id = desired(60_000, true, 2).scheduleId();
    Predicate<Connection> dbDown = c -> {
      throw new IllegalStateException("PostgreSQL unreachable");
    };

    assertThatThrownBy(() -> gateway.apply(desired(60_000, true, 2), committed(2), dbDown))
        .hasMessageContaining("unreachable");
    assertThat(gateway.describe(id)).isEmpty(); // the retry creates it again, and asks again
  }

  @Test
  void aLivenessReadErrorIsNotHiddenByAFailingDelete() {
    String id = desired(60_000, true, 2).scheduleId();
    Predicate<Connection> dbDownAndInterrupted = c -> {
      Thread.currentThread().interrupt(); // so the delete that follows fails too (gRPC: CANCELLED)
      throw new IllegalStateException("PostgreSQL unreachable");
    };

    try {
      assertThatThrownBy(() -> gateway.apply(desired(60_000, true, 2), committed(2), dbDownAndInterrupted))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("unreachable")
          .satisfies(e -> assertThat(e.getSuppressed()).as("the delete's failure").hasSize(1));
    } finally {
      Thread.interrupted();
    }
    // The delete failed on our side; the server may or may not have run it before the call was cancelled. A
    // Schedule left behind is the activity's retry's to handle (or drift repair's: its connection is gone).
    gateway.delete(id);
    assertThat(gateway.describe(id)).isEmpty();
  }

  @Test
  void anUpdateOfAnExistingScheduleReadsNoLiveness() {
    gateway.apply(desired(60_000, true, 1), committed(1), LIVE);
    AtomicInteger asked = new AtomicInteger();

    assertThat(gateway.apply(desired(60_000, false, 2), committed(2), c -> asked.incrementAndGet() > 0))
        .isEqualTo(Outcome.UPDATED);
    assertThat(asked).as("only a create pays the read").hasValue(0);
  }

  @Test
  void aRepairThatWouldRecreateAGoneConnectionsScheduleLeavesNone() {
    String id = desired(60_000, true, 4).scheduleId();

    assertThat(gateway.repairIf(desired(60_000, true, 4), missing -> true, () -> 4, c -> false))
        .isEqualTo(Outcome.GONE);
    assertThat(gateway.describe(id)).isEmpty();
    assertThat(gateway.repairIf(desired(60_000, true, 4), missing -> true, () -> 4, LIVE))
        .isEqualTo(Outcome.CREATED);
    assertThat(ScheduleGateway.versionOf(describe())).isEqualTo(4);
  }
}
