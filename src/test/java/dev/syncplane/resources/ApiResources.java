package dev.syncplane.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.SyncplaneApplication;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.temporal.TemporalFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;

/**
 * A resource under test in Jersey's in-memory container, set up as SyncplaneApplication sets up the API:
 * its ObjectMapper settings ({@link SyncplaneApplication#configure}), Dropwizard's default exception mappers
 * off (config.yml's {@code registerDefaultExceptionMappers: false}) and its providers
 * ({@link SyncplaneApplication#apiProviders}: body limit, problem+json mappers, bearer token). Jetty's own
 * error handler ({@link ProblemErrorHandler}) has no place in this container: paths Jetty refuses stay in
 * the e2e ApiContractTest.
 */
final class ApiResources {
  static final String TOKEN = "test-token";
  static final String PROBLEM_JSON = "application/problem+json";
  static final String MERGE_PATCH = IntegrationResource.MERGE_PATCH;

  /** The API settings of config.yml: minPeriodMs 60000, maxBodyBytes 65536, maxPageSize 200. */
  static final SyncplaneConfiguration.Api API = api();

  static final ObjectMapper MAPPER = mapper();

  /** Built once: each test builds its own container, and a validator costs a moment to build. */
  private static final jakarta.validation.Validator VALIDATOR = io.dropwizard.jersey.validation.Validators.newValidator();

  private ApiResources() {}

  private static SyncplaneConfiguration.Api api() {
    SyncplaneConfiguration.Api api = new SyncplaneConfiguration.Api();
    api.token = TOKEN;
    return api;
  }

  private static ObjectMapper mapper() {
    ObjectMapper mapper = Jackson.newObjectMapper();
    SyncplaneApplication.configure(mapper);
    return mapper;
  }

  static TemporalFactory temporal() {
    return new TemporalFactory();
  }

  static ResourceExtension extension(Object resource) {
    ResourceExtension.Builder builder =
        ResourceExtension.builder()
            .setMapper(MAPPER)
            .setValidator(VALIDATOR)
            .setRegisterDefaultExceptionMappers(false)
            .addResource(resource);
    SyncplaneApplication.apiProviders(API).forEach(builder::addProvider);
    return builder.build();
  }

  /** A request with the bearer token. */
  static Invocation.Builder call(ResourceExtension resources, String path) {
    return resources.target(path).request().header("Authorization", "Bearer " + TOKEN);
  }

  static JsonNode json(Response r) {
    String body = r.readEntity(String.class);
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /**
   * Asserts an RFC 9457 answer: the status, {@code Content-Type: application/problem+json}, the stable
   * code, the same status in the body, and a detail that says what to do (contains each fragment).
   */
  static JsonNode assertProblem(Response r, int status, ErrorCode code, String... detailFragments) {
    JsonNode p = json(r);
    assertThat(r.getStatus()).as("status of %s", p).isEqualTo(status);
    assertThat(r.getHeaderString("Content-Type")).as("content type of %s", p).startsWith(PROBLEM_JSON);
    assertThat(p.path("code").asText()).as("code of %s", p).isEqualTo(code.name());
    assertThat(p.path("status").asInt()).as("status field of %s", p).isEqualTo(status);
    assertThat(p.path("detail").asText()).as("detail of %s", p).isNotBlank();
    for (String fragment : detailFragments) {
      assertThat(p.path("detail").asText()).as("detail of %s", p).contains(fragment);
    }
    return p;
  }
}
