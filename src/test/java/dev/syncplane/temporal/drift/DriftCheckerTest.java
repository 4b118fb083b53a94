package dev.syncplane.temporal.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.syncplane.core.Connection;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.schedules.DesiredSchedule;
import dev.syncplane.temporal.schedules.DriftKind;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import dev.syncplane.temporal.schedules.ScheduleGateway.Outcome;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link DriftChecker} with the DB and the gateway mocked: which Schedules it describes, and what it counts. */
class DriftCheckerTest {
  private static final String ID = "sf";
  private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

  private final IntegrationDao integrations = mock(IntegrationDao.class);
  private final ConnectionDao connections = mock(ConnectionDao.class);
  private final ScheduleGateway gateway = mock(ScheduleGateway.class);
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final DriftChecker checker = new DriftChecker(integrations, connections, gateway, 2, pool);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static Connection connection(String customer) {
    return new Connection("con-" + customer, ID, customer, T);
  }

  private void integrationWith(int customers) {
    when(integrations.find(ID)).thenReturn(Optional.of(
        new Integration(ID, "salesforce", "Salesforce", 60_000, true, 1, IntegrationState.ACTIVE, T, T)));
    when(connections.findPairs(any(), any())).thenAnswer(call -> {
      String[] wanted = call.getArgument(1);
      List<Connection> out = new ArrayList<>();
      for (String c : wanted) {
        if (c.startsWith("c") && Integer.parseInt(c.substring(1)) < customers) {
          out.add(connection(c));
        }
      }
      return out;
    });
  }

  /** The gateway's confirm-and-write as for a Schedule that does not exist. */
  @SuppressWarnings("unchecked")
  private void missingSchedulesAreCreated() {
    when(gateway.repairIf(any(), any(), any(), any())).thenAnswer(call ->
        call.getArgument(1, java.util.function.Predicate.class).test(Optional.empty()) ? Outcome.CREATED : Outcome.ABSENT);
  }

  private static ScheduleDescription carrying(String integrationId) {
    SearchAttributes attributes = SearchAttributes.newBuilder().set(Names.INTEGRATION_ID, integrationId).build();
    return new ScheduleDescription(
        "x", null, null, Map.of(), attributes, Map.of(), DefaultDataConverter.STANDARD_INSTANCE);
  }

  @Test
  void aListBasedCommandDescribesOnlyTheSuspectsAndConfirmsOrphansByTheirSearchAttribute() {
    integrationWith(40);
    missingSchedulesAreCreated(); // c3 and c7 are missing
    when(gateway.describe(Names.scheduleId(ID, "gone"))).thenReturn(Optional.of(carrying(ID)));
    when(gateway.describe(Names.scheduleId(ID, "not-ours"))).thenReturn(Optional.of(carrying("other")));
    when(gateway.delete(Names.scheduleId(ID, "gone"))).thenReturn(Outcome.DELETED);

    IntegrationRepair r = checker.check(
        new RepairCommand(ID, "scan", 10, false, List.of("c3", "c7", "gone", "not-ours", "c3", "bad:id")), true, () -> {});

    assertThat(r.checked()).isEqualTo(4); // the duplicate and the invalid id are not described
    assertThat(r.counts()).isEqualTo(Map.of(DriftKind.MISSING, 2, DriftKind.ORPHAN, 1));
    assertThat(r.repaired()).isEqualTo(3);
    assertThat(r.ids().get(DriftKind.ORPHAN)).containsExactly(Names.scheduleId(ID, "gone"));
    verify(gateway, times(2)).repairIf(any(), any(), any(), any());
    verify(gateway, never()).delete(Names.scheduleId(ID, "not-ours"));
    verify(gateway, never()).list(anyString(), anyInt());
    verify(connections, never()).page(anyString(), any(), anyInt());
    verify(gateway, times(2)).describe(anyString()); // the orphan candidates; repairIf describes the others
  }

  @Test
  @SuppressWarnings("unchecked")
  void aSlowScheduleHoldsUpOnlyItsOwnCheckNotTheNextPage() {
    integrationWith(4);
    when(connections.page(ID, null, 2)).thenReturn(List.of(connection("c0"), connection("c1")));
    when(connections.page(ID, "con-c1", 2)).thenReturn(List.of(connection("c2"), connection("c3")));
    when(gateway.list(Names.schedulesOfIntegrationQuery(ID), 2)).thenAnswer(call -> java.util.stream.Stream.empty());
    CountDownLatch lastStarted = new CountDownLatch(1);
    AtomicBoolean slowOneSawIt = new AtomicBoolean();
    when(gateway.repairIf(any(), any(), any(), any())).thenAnswer(call -> {
      String scheduleId = call.<DesiredSchedule>getArgument(0).scheduleId();
      if (scheduleId.equals(Names.scheduleId(ID, "c3"))) {
        lastStarted.countDown();
      }
      if (scheduleId.equals(Names.scheduleId(ID, "c0"))) { // slow: done only once the next page's last one began
        slowOneSawIt.set(lastStarted.await(5, TimeUnit.SECONDS));
      }
      return call.getArgument(1, java.util.function.Predicate.class).test(Optional.empty()) ? Outcome.CREATED : Outcome.ABSENT;
    });

    IntegrationRepair r = checker.check(new RepairCommand(ID, "scan", 10, false), true, () -> {});

    assertThat(slowOneSawIt).as("the second page was checked while the first page's c0 still was").isTrue();
    assertThat(r.checked()).isEqualTo(4);
    assertThat(r.counts()).isEqualTo(Map.of(DriftKind.MISSING, 4));
  }

  @Test
  void aDeepCommandDescribesEveryScheduleAndCountsTheOrphanCandidatesDescribed() {
    integrationWith(3);
    when(connections.page(ID, null, 2)).thenReturn(List.of(connection("c0"), connection("c1")));
    when(connections.page(ID, "con-c1", 2)).thenReturn(List.of(connection("c2")));
    missingSchedulesAreCreated();
    when(gateway.list(Names.schedulesOfIntegrationQuery(ID), 2)).thenAnswer(call -> java.util.stream.Stream.empty());

    IntegrationRepair r = checker.check(new RepairCommand(ID, "scan", 10, false), true, () -> {});

    assertThat(r.checked()).isEqualTo(3);
    assertThat(r.counts()).isEqualTo(Map.of(DriftKind.MISSING, 3));
  }

  @Test
  void moreSuspectsThanACommandCarriesMeansEverySchedule() {
    List<String> many = IntStream.rangeClosed(0, RepairCommand.MAX_CUSTOMERS).mapToObj(i -> "c" + i).toList();
    assertThat(new RepairCommand(ID, "s", 1, false, many).everySchedule()).isTrue();
    assertThat(new RepairCommand(ID, "s", 1, false, many.subList(0, 5)).everySchedule()).isFalse();
    assertThat(new RepairCommand(ID, "s", 1, false).everySchedule()).isTrue();
    assertThat(new RepairCommand(ID, "s", 1, false, many.subList(0, 5)).withSkipStale(true).customerIds()).hasSize(5);
  }

  @Test
  void aScanResultCarriesTheSuspectCustomersOfTheIntegrationsItTakesWithinItsBudget() {
    java.util.TreeMap<String, List<String>> all = new java.util.TreeMap<>();
    all.put("a", List.of("c1"));
    all.put("b", null); // as a whole
    all.put("c", IntStream.range(0, ScanResult.MAX_SUSPECT_CUSTOMERS).mapToObj(i -> "c" + i).toList());
    ScanResult r = ScanResult.of(all, 10, null, 3, 3, 3);
    assertThat(r.suspects()).containsExactly("a", "b", "c");
    assertThat(r.customersOf("a")).containsExactly("c1");
    assertThat(r.customersOf("b")).isNull();
    assertThat(r.customersOf("c")).isNull(); // over the run's budget together with a: the largest goes whole
    assertThat(ScanResult.of(all, 1, null, 3, 3, 3).suspectCustomers()).containsOnlyKeys("a");
  }
}
