package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.internal.client.ScheduleProtoUtil;
import io.temporal.internal.common.SearchAttributesUtil;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ScheduleGateway's UpdateSchedule call is built without the SDK's internal conversion (public API only); this pins
 * it to what that conversion (the one ScheduleHandle.update and createSchedule use) produces, field for field. Only
 * this test may touch io.temporal.internal: if an SDK upgrade changes the conversion, it fails here.
 */
class ScheduleProtosTest {
  private static final ScheduleClientOptions OPTIONS = ScheduleClientOptions.newBuilder().setNamespace("default").build();

  private static DesiredSchedule desired(boolean enabled) {
    return DesiredSchedule.of(
        new Connection("conn-1", "int-1", "cust-1", Instant.EPOCH), new ScheduleConfig("salesforce", 90_000, enabled, 7));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void theScheduleIsWhatTheSdkWouldSend(boolean enabled) {
    DesiredSchedule d = desired(enabled);

    assertThat(ScheduleProtos.toProto(d.toSchedule(), "default", OPTIONS.getDataConverter()))
        .isEqualTo(new ScheduleProtoUtil(null, OPTIONS).scheduleToProto(d.toSchedule()));
  }

  @Test
  void theSearchAttributesAreWhatTheSdkWouldSend() {
    DesiredSchedule d = desired(true);

    assertThat(ScheduleProtos.searchAttributes(d.searchAttributes()))
        .isEqualTo(SearchAttributesUtil.encodeTyped(d.searchAttributes()));
  }

  @Test
  void aFeatureItDoesNotConvertIsRefusedNotDropped() {
    Schedule withCalendar = Schedule.newBuilder(desired(true).toSchedule())
        .setSpec(ScheduleSpec.newBuilder().setCalendars(List.of(ScheduleCalendarSpec.newBuilder().build())).build())
        .build();

    assertThatThrownBy(() -> ScheduleProtos.toProto(withCalendar, "default", OPTIONS.getDataConverter()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
