package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.schedules.ScheduleGateway.Outcome;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.util.UUID;
import java.util.function.LongSupplier;
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

  /** The fence: the committed version as the DB would answer it right before the write. */
  private static LongSupplier committed(long version) {
    return () -> version;
  }

  @Test
  void writesTheDesiredScheduleInOneCallAndCreatesItWhenMissing() {
    assertThat(gateway.apply(desired(60_000, true, 3), committed(3))).isEqualTo(Outcome.CREATED);
    ScheduleDescription created = describe();
    assertThat(ScheduleGateway.versionOf(created)).isEqualTo(3);
    assertThat(created.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(1));
    assertThat(created.getSchedule().getState().isPaused()).isFalse();

    assertThat(gateway.apply(desired(120_000, false, 4), committed(4))).isEqualTo(Outcome.UPDATED);
    ScheduleDescription updated = describe();
    assertThat(ScheduleGateway.versionOf(updated)).isEqualTo(4);
    assertThat(updated.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(2));
    assertThat(updated.getSchedule().getState().isPaused()).isTrue();
    assertThat(updated.getTypedSearchAttributes().get(dev.syncplane.temporal.Names.INTEGRATION_ID))
        .isEqualTo(connection.integrationId());
  }

  @Test
  void aWriteOvertakenByANewerCommitWritesNothing() {
    gateway.apply(desired(60_000, true, 3), committed(3));

    // An attempt that outlived its timeout, still holding version 2, while the DB has 3 (or a delete began):
    assertThat(gateway.apply(desired(90_000, false, 2), committed(3))).isEqualTo(Outcome.NEWER_KEPT);
    assertThat(gateway.apply(desired(90_000, false, 3), committed(Long.MAX_VALUE))).isEqualTo(Outcome.NEWER_KEPT);

    ScheduleDescription kept = describe();
    assertThat(ScheduleGateway.versionOf(kept)).isEqualTo(3);
    assertThat(kept.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(1));
    assertThat(kept.getSchedule().getState().isPaused()).isFalse();
  }

  @Test
  void deleteIsIdempotent() {
    gateway.apply(desired(60_000, true, 1), committed(1));
    String id = desired(60_000, true, 1).scheduleId();

    assertThat(gateway.delete(id)).isEqualTo(Outcome.DELETED);
    assertThat(gateway.delete(id)).isEqualTo(Outcome.ABSENT);
    assertThat(gateway.describe(id)).isEmpty();
  }

  @Test
  void aMissingScheduleIsCreatedWithTheDesiredConfig() {
    String id = desired(60_000, true, 1).scheduleId();
    gateway.apply(desired(60_000, true, 5), committed(5));
    ServiceHarness.schedules().getHandle(id).delete(); // behind our back

    assertThat(gateway.apply(desired(60_000, true, 5), committed(5))).isEqualTo(Outcome.CREATED);
    assertThat(ScheduleGateway.versionOf(describe())).isEqualTo(5);
  }
}
