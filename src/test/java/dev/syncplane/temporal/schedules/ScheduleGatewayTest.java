package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.temporal.schedules.ScheduleGateway.Outcome;
import io.temporal.client.schedules.ScheduleDescription;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one place that writes Schedules, against the real Temporal dev server. */
class ScheduleGatewayTest {
  private final ScheduleGateway gateway = new ScheduleGateway(ServiceHarness.schedules(), 0);
  private final Connection connection =
      new Connection("conn-1", "gw-" + UUID.randomUUID().toString().substring(0, 8), "acme", null);

  private DesiredSchedule desired(long periodMs, boolean enabled, long version) {
    return DesiredSchedule.of(connection, new ScheduleConfig("salesforce", periodMs, enabled, version));
  }

  private ScheduleDescription describe() {
    return gateway.describe(desired(60_000, true, 1).scheduleId()).orElseThrow();
  }

  @Test
  void writesOnlyNewerVersionsAndNeverGoesBack() {
    assertThat(gateway.apply(desired(60_000, true, 3))).isEqualTo(Outcome.CREATED);
    assertThat(gateway.apply(desired(90_000, false, 2))).isEqualTo(Outcome.NEWER_KEPT);
    assertThat(gateway.apply(desired(90_000, false, 3))).isEqualTo(Outcome.UP_TO_DATE);
    ScheduleDescription kept = describe();
    assertThat(ScheduleGateway.versionOf(kept)).isEqualTo(3);
    assertThat(kept.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(1));
    assertThat(kept.getSchedule().getState().isPaused()).isFalse();

    assertThat(gateway.apply(desired(120_000, false, 4))).isEqualTo(Outcome.UPDATED);
    ScheduleDescription updated = describe();
    assertThat(ScheduleGateway.versionOf(updated)).isEqualTo(4);
    assertThat(updated.getSchedule().getSpec().getIntervals().get(0).getEvery()).isEqualTo(Duration.ofMinutes(2));
    assertThat(updated.getSchedule().getState().isPaused()).isTrue();
  }

  @Test
  void deleteIsIdempotent() {
    gateway.apply(desired(60_000, true, 1));
    String id = desired(60_000, true, 1).scheduleId();

    assertThat(gateway.delete(id)).isEqualTo(Outcome.DELETED);
    assertThat(gateway.delete(id)).isEqualTo(Outcome.ABSENT);
    assertThat(gateway.describe(id)).isEmpty();
  }

  @Test
  void aMissingScheduleIsCreatedWithTheDesiredConfig() {
    String id = desired(60_000, true, 1).scheduleId();
    gateway.apply(desired(60_000, true, 5));
    ServiceHarness.schedules().getHandle(id).delete(); // behind our back

    assertThat(gateway.apply(desired(60_000, true, 5))).isEqualTo(Outcome.CREATED);
    assertThat(ScheduleGateway.versionOf(describe())).isEqualTo(5);
  }
}
