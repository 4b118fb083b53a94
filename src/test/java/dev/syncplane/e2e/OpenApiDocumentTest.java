package dev.syncplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.SyncplaneConfiguration;
import dev.syncplane.resources.OpenApiResource;
import dev.syncplane.support.Api.Response;
import dev.syncplane.support.ServiceHarness;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.glassfish.jersey.server.model.Parameter;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The served /api/v1/openapi.json matches what Jersey serves: walks Jersey's resource model of every
 * resource registered in the running application and compares operation by operation, both ways.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiDocumentTest {
  static final DropwizardAppExtension<SyncplaneConfiguration> APP = ServiceHarness.app();

  private static JsonNode doc;

  /** One JAX-RS resource method as Jersey models it. */
  record Endpoint(String method, String path, ResourceMethod model) {
    String key() {
      return method + " " + path;
    }
  }

  @BeforeAll
  static void fetch() {
    Response r = ServiceHarness.anonymous(APP).get(OpenApiResource.PATH);
    assertThat(r.status()).as("served without a token: " + r).isEqualTo(200);
    assertThat(r.contentType()).startsWith(MediaType.APPLICATION_JSON);
    doc = r.json();
    try { // for a look: target/openapi.json
      java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), doc.toPrettyString());
    } catch (java.io.IOException ignored) {
      // only a convenience
    }
  }

  static List<Endpoint> jerseyEndpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (Class<?> c : OpenApiResource.resourceClasses(APP.getEnvironment().jersey().getResourceConfig())) {
      collect(Resource.from(c), "", out);
    }
    return out;
  }

  private static void collect(Resource resource, String parent, List<Endpoint> out) {
    String path = join(parent, resource.getPath());
    for (ResourceMethod m : resource.getResourceMethods()) {
      out.add(new Endpoint(m.getHttpMethod(), path, m));
    }
    for (Resource child : resource.getChildResources()) {
      collect(child, path, out);
    }
  }

  private static String join(String parent, String path) {
    String p = path == null ? "" : path.replaceAll("^/+|/+$", "");
    String joined = (parent + "/" + p).replaceAll("/+", "/");
    return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
  }

  static List<String> documented() {
    List<String> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (List.of("get", "put", "post", "delete", "patch", "head", "options").contains(m)) {
          out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      });
    }
    return out;
  }

  @Test
  void everyServedOperationIsDocumentedAndNothingElse() {
    TreeSet<String> served = new TreeSet<>(jerseyEndpoints().stream().map(Endpoint::key).toList());
    served.remove("GET " + OpenApiResource.PATH); // the document does not describe itself

    assertThat(served).as("the resources Jersey serves").contains(
        "POST /api/v1/integrations", "PATCH /api/v1/integrations/{id}",
        "POST /api/v1/integrations/{integrationId}/connections/{connectionId}/sync");
    assertThat(new TreeSet<>(documented())).isEqualTo(served);
  }

  @Test
  void everyOperationHasItsParametersBodyAndResponseSchemas() {
    for (Endpoint e : jerseyEndpoints()) {
      if (e.path().equals(OpenApiResource.PATH)) {
        continue;
      }
      JsonNode op = doc.get("paths").get(e.path()).get(e.method().toLowerCase(Locale.ROOT));
      String where = e.key();

      List<String> pathParams = new ArrayList<>();
      List<String> queryParams = new ArrayList<>();
      boolean entity = false;
      for (Parameter p : e.model().getInvocable().getParameters()) {
        switch (p.getSource()) {
          case PATH -> pathParams.add(p.getSourceName());
          case QUERY -> queryParams.add(p.getSourceName());
          // the body: no JAX-RS annotation (ENTITY), or only swagger's @RequestBody (UNKNOWN to Jersey)
          case ENTITY, UNKNOWN -> entity = true;
          default -> {}
        }
      }
      List<String> docPath = new ArrayList<>(), docQuery = new ArrayList<>();
      if (op.has("parameters")) {
        op.get("parameters").forEach(p -> (p.get("in").asText().equals("path") ? docPath : p.get("in").asText().equals("query") ? docQuery : new ArrayList<String>())
            .add(p.get("name").asText()));
      }
      assertThat(docPath).as(where + " path parameters").containsExactlyInAnyOrderElementsOf(pathParams);
      assertThat(docQuery).as(where + " query parameters").containsExactlyInAnyOrderElementsOf(queryParams);

      if (entity) {
        JsonNode content = op.path("requestBody").path("content");
        assertThat(content.size()).as(where + " request body media types").isPositive();
        for (String type : e.model().getConsumedTypes().stream().map(MediaType::toString).toList()) {
          assertThat(content.has(type)).as(where + " documents request type " + type).isTrue();
          assertSchemaResolves(where + " request " + type, content.get(type).get("schema"));
        }
      } else {
        assertThat(op.has("requestBody")).as(where + " takes no body").isFalse();
      }

      JsonNode responses = op.get("responses");
      List<String> success = new ArrayList<>();
      responses.fieldNames().forEachRemaining(code -> {
        if (code.startsWith("2")) {
          success.add(code);
        }
      });
      assertThat(success).as(where + " documents its success answers").isNotEmpty();
      for (String code : success) {
        JsonNode content = responses.get(code).path("content");
        if (!code.equals("204") && !(where.startsWith("DELETE") && code.equals("202") && content.isMissingNode())) {
          assertThat(content.has(MediaType.APPLICATION_JSON)).as(where + " " + code + " is JSON").isTrue();
          assertSchemaResolves(where + " " + code, content.get(MediaType.APPLICATION_JSON).get("schema"));
        }
      }
      assertThat(responses.path("4XX").path("content").has("application/problem+json")).as(where + " 4XX problem+json").isTrue();
      assertThat(op.path("security").toString()).as(where + " needs the bearer token").contains("bearer");
    }
  }

  @Test
  void responseSchemasNameTheFieldsTheApiSends() {
    JsonNode schemas = doc.get("components").get("schemas");
    assertThat(fields(schemas.get("IntegrationView"))).contains("id", "provider", "name", "periodMs", "syncEnabled", "version");
    assertThat(fields(schemas.get("UpdateView"))).contains("id", "version", "state", "schedulesTotal", "schedulesApplied", "temporalUiUrl");
    assertThat(fields(schemas.get("ConnectionView"))).contains("id", "integrationId", "customerId", "scheduleId", "temporalUiUrl");
    assertThat(fields(schemas.get("SyncRunView"))).contains("id", "status", "records", "configVersion", "temporalUiUrl");
    assertThat(fields(schemas.get("Problem"))).contains("type", "title", "status", "detail", "code");
    // an object-valued field that may be null (a 202 carries no integration): "$ref or null"
    JsonNode integration = schemas.at("/ChangeResponse/properties/integration");
    assertThat(integration.get("nullable").asBoolean()).as(integration.toString()).isTrue();
    assertThat(integration.at("/allOf/0/$ref").asText()).isEqualTo("#/components/schemas/IntegrationView");
  }

  private static List<String> fields(JsonNode schema) {
    assertThat(schema).as("schema").isNotNull();
    List<String> out = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static void assertSchemaResolves(String where, JsonNode schema) {
    assertThat(schema).as(where + " has a schema").isNotNull();
    JsonNode target = schema.has("items") ? schema.get("items") : schema;
    if (target.has("$ref")) {
      String name = target.get("$ref").asText().replace("#/components/schemas/", "");
      assertThat(doc.path("components").path("schemas").has(name)).as(where + " schema " + name + " exists").isTrue();
    } else {
      assertThat(target.has("type")).as(where + " schema has a type: " + schema).isTrue();
    }
  }
}
