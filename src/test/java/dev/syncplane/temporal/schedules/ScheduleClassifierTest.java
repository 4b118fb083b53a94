package dev.syncplane.temporal.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.core.Connection;
import dev.syncplane.core.ScheduleConfig;
import dev.syncplane.temporal.schedules.ScheduleClassifier.State;
import dev.syncplane.temporal.schedules.ScheduleClassifier.Verdict;
import dev.syncplane.temporal.sync.SyncRequest;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one comparison that drift repair, /status and out-of-sync share. */
class ScheduleClassifierTest {
  static final Connection CONNECTION = new Connection("conn-1", "int-1", "cust-1", Instant.EPOCH);
  static final DesiredSchedule DESIRED = DesiredSchedule.of(CONNECTION, new ScheduleConfig("salesforce", 60_000, true, 3));

  /** What a describe returns for a Schedule written from DESIRED, with one field changed by {@code edit}. */
  static ActualSchedule described(java.util.function.UnaryOperator<ActualSchedule> edit) {
    return edit.apply(new ActualSchedule(DESIRED.scheduleId(), spec(Duration.ofMinutes(1)), false, "SyncConnectionWorkflow",
        "sync:int-1:cust-1", "syncplane-sync", DESIRED.syncRequest(), true, 3, "int-1", "cust-1", 3, false));
  }

  static ScheduleSpec spec(Duration every) {
    return ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(every))).build();
  }

  static Verdict classify(ActualSchedule actual) {
    return ScheduleClassifier.classify(DESIRED, Optional.of(actual));
  }

  @Test
  void aScheduleWrittenFromTheDesiredConfigIsInSync() {
    assertThat(classify(described(a -> a)).state()).isEqualTo(State.IN_SYNC);
  }

  @Test
  void aMissingScheduleIsMissing() {
    assertThat(ScheduleClassifier.classify(DESIRED, Optional.empty()))
        .isEqualTo(new Verdict(State.MISSING, Set.of(DriftKind.MISSING)));
  }

  @Test
  void anOlderVersionIsStaleWhateverElseDiffers() {
    Verdict v = classify(described(a -> copy(a, spec(Duration.ofMinutes(9)), a.paused(), a.arguments(), a.taskQueue(), 2)));
    assertThat(v).isEqualTo(new Verdict(State.STALE, Set.of(DriftKind.VERSION)));
  }

  @Test
  void eachHandEditIsDriftOfItsKind() {
    assertThat(classify(described(a -> copy(a, spec(Duration.ofMinutes(7)), false, a.arguments(), a.taskQueue(), 3))).kinds())
        .containsExactly(DriftKind.INTERVAL);
    assertThat(classify(described(a -> copy(a, a.spec(), true, a.arguments(), a.taskQueue(), 3))).kinds())
        .containsExactly(DriftKind.PAUSED);
    assertThat(classify(described(a -> copy(a, a.spec(), false, new SyncRequest("int-1", "other", "cust-1"), a.taskQueue(), 3))).kinds())
        .containsExactly(DriftKind.ACTION);
    assertThat(classify(described(a -> copy(a, a.spec(), false, a.arguments(), "elsewhere", 3))).kinds())
        .containsExactly(DriftKind.ACTION);
    assertThat(classify(described(a -> copy(a, a.spec(), false, a.arguments(), a.taskQueue(), 0))))
        .isEqualTo(new Verdict(State.DRIFTED, Set.of(DriftKind.VERSION))); // version stripped
    assertThat(classify(described(a -> copy(a, a.spec(), false, a.arguments(), a.taskQueue(), 99))))
        .isEqualTo(new Verdict(State.DRIFTED, Set.of(DriftKind.VERSION))); // version forged
  }

  @Test
  void aListEntryIsComparedOnWhatTheListShows() {
    ActualSchedule listed = new ActualSchedule(DESIRED.scheduleId(), spec(Duration.ofMinutes(1)), false,
        "SyncConnectionWorkflow", null, null, null, false, 3, "int-1", "cust-1", 3, true);
    assertThat(classify(listed).state()).isEqualTo(State.IN_SYNC); // arguments and task queue are not in the list
    ActualSchedule otherType = new ActualSchedule(DESIRED.scheduleId(), spec(Duration.ofMinutes(1)), false,
        "SomethingElse", null, null, null, false, 3, "int-1", "cust-1", 3, true);
    assertThat(classify(otherType).kinds()).containsExactly(DriftKind.ACTION);
  }

  private static ActualSchedule copy(
      ActualSchedule a, ScheduleSpec spec, boolean paused, SyncRequest args, String taskQueue, long version) {
    return new ActualSchedule(a.scheduleId(), spec, paused, a.workflowType(), a.workflowId(), taskQueue, args,
        a.argumentsReadable(), version, a.integrationIdAttribute(), a.customerIdAttribute(), version, a.fromList());
  }

  /** The Schedule's own search attributes as {@code edit} leaves them; its action keeps version 3. */
  private static ActualSchedule ownAttributes(String integrationId, String customerId, long scheduleVersion, boolean fromList) {
    ActualSchedule a = described(x -> x);
    return new ActualSchedule(a.scheduleId(), a.spec(), a.paused(), a.workflowType(), a.workflowId(), a.taskQueue(),
        a.arguments(), a.argumentsReadable(), fromList ? scheduleVersion : Math.max(3, scheduleVersion), integrationId,
        customerId, scheduleVersion, fromList);
  }

  @Test
  void aScheduleStrippedOfItsOwnSearchAttributesIsDriftWhateverItsActionCarries() {
    // Re-created by hand with syncplane's exact action (ConfigVersion 3 on the action), but no schedule attributes.
    assertThat(classify(ownAttributes(null, null, 0, false)))
        .isEqualTo(new Verdict(State.DRIFTED, Set.of(DriftKind.ATTRIBUTES)));
    assertThat(classify(ownAttributes("int-1", "cust-1", 0, false)).kinds()).containsExactly(DriftKind.ATTRIBUTES);
    assertThat(classify(ownAttributes(null, "cust-1", 3, false)).kinds()).containsExactly(DriftKind.ATTRIBUTES);
    assertThat(classify(ownAttributes("int-1", "other", 3, false)).kinds()).containsExactly(DriftKind.ATTRIBUTES);
    // The same Schedule seen in a list (no action there): drift too, so /status, list-based and deep runs agree.
    assertThat(classify(ownAttributes(null, null, 0, true)).state()).isEqualTo(State.DRIFTED);
    assertThat(classify(ownAttributes(null, null, 0, true)).kinds()).contains(DriftKind.ATTRIBUTES);
  }
}
