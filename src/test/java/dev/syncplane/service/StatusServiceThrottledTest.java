package dev.syncplane.service;

import static dev.syncplane.support.Integrations.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.IntegrationStatus;
import dev.syncplane.api.Problem;
import dev.syncplane.db.ConnectionDao;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.resources.ProblemMappers;
import dev.syncplane.support.Eventually;
import dev.syncplane.support.Integrations;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.TestPostgres;
import dev.syncplane.temporal.schedules.ScheduleGateway;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.common.interceptors.ScheduleClientCallsInterceptor;
import io.temporal.common.interceptors.ScheduleClientCallsInterceptorBase;
import io.temporal.common.interceptors.ScheduleClientInterceptor;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /status when Temporal throttles its Schedule listing (RESOURCE_EXHAUSTED), against the dev server: the
 * listing is asked again, and answered; a listing throttled throughout answers 429, never 5xx. A Schedule client
 * interceptor plays the refusal as the SDK throws it once its own retries are spent: the listing's stream fails
 * after {@code yieldFirst} Schedules, as when the server refuses a later page.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class StatusServiceThrottledTest {
  private static final Duration CONVERGE = Duration.ofSeconds(150);
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();

  private final Integrations integrations = new Integrations(ServiceHarness.api(APP), ServiceHarness.schedules());
  private final AtomicInteger listings = new AtomicInteger();

  /** StatusService over a gateway whose first {@code refusals} listings fail after {@code yieldFirst} Schedules. */
  private StatusService throttling(int refusals, int yieldFirst) {
    ScheduleClientInterceptor refuse = next -> new ScheduleClientCallsInterceptorBase(next) {
      @Override
      public ListScheduleOutput listSchedules(ListSchedulesInput input) {
        Stream<ScheduleListDescription> listed = super.listSchedules(input).getStream();
        if (listings.incrementAndGet() > refusals) {
          return new ListScheduleOutput(listed);
        }
        Stream<ScheduleListDescription> refused = Stream.generate(() -> (ScheduleListDescription) null).map(x -> {
          throw new StatusRuntimeException(Status.RESOURCE_EXHAUSTED.withDescription("namespace rate limit exceeded"));
        });
        return new ListScheduleOutput(Stream.concat(listed.limit(yieldFirst), refused));
      }
    };
    ScheduleGateway gateway = new ScheduleGateway(
        ServiceHarness.stubs(),
        ScheduleClientOptions.newBuilder(ServiceHarness.scheduleOptions()).setInterceptors(List.of(refuse)).build(),
        0);
    Jdbi jdbi = TestPostgres.jdbi();
    return new StatusService(
        jdbi.onDemand(IntegrationDao.class), jdbi.onDemand(ConnectionDao.class), jdbi.onDemand(UpdateRunDao.class),
        gateway, 2, run -> null, id -> null); // pages of 2: the refusal lands on a later page
  }

  private String converged(String prefix, int connections) {
    String id = integrations.create(newId(prefix), 60_000);
    List<JsonNode> connected = integrations.connect(id, connections);
    Eventually.within(CONVERGE, () -> integrations.assertSchedulesMatchDb(id, connected));
    Eventually.within(CONVERGE, () -> assertThat(
        ServiceHarness.gateway().list(dev.syncplane.temporal.Names.schedulesWithIntegrationPrefixQuery(id), 10).count())
        .as("Schedules listed").isEqualTo(connections));
    return id;
  }

  @Test
  void aListingThrottledMidwayIsAskedAgainAndCountsEverySchedule() {
    String id = converged("throttled-list", 5);
    StatusService status = throttling(2, 3);

    IntegrationStatus answer = status.status(id);

    assertThat(listings).as("listings: two refused, the third whole").hasValue(3);
    assertThat(answer.schedules().total()).isEqualTo(5);
    assertThat(answer.schedules().inSync()).as("each Schedule counted once").isEqualTo(5);
    assertThat(answer.schedules().missing()).isZero();
    assertThat(answer.inSync()).isTrue();
  }

  @Test
  void aListingThrottledThroughoutIs429NeverA5xx() {
    String id = converged("throttled-status", 3);
    StatusService status = throttling(Integer.MAX_VALUE, 1);

    long started = System.nanoTime();
    ApiException refused = catchThrowableOfType(ApiException.class, () -> status.status(id));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(refused).as("GET /status's answer").isNotNull();
    assertThat(refused.code()).isEqualTo(ErrorCode.TEMPORAL_THROTTLED);
    assertThat(listings.get()).as("asked again, with backoff").isBetween(3, 12);
    assertThat(took).as("the bounded retry").isBetween(Duration.ofMillis(1_000), Duration.ofSeconds(4));
    assertThat(refused.getMessage()).doesNotContainIgnoringCase("writ").doesNotContainIgnoringCase("Idempotency");
    Response response = new ProblemMappers.Api().toResponse(refused);
    assertThat(response.getStatus()).isEqualTo(429);
    assertThat(Integer.parseInt(response.getHeaderString("Retry-After"))).isPositive();
    assertThat(((Problem) response.getEntity()).code()).isEqualTo("TEMPORAL_THROTTLED");
  }
}
