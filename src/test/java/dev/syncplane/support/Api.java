package dev.syncplane.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for the REST API, as the portal would call it. */
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private final Duration timeout;

  public Api(String base, String token) {
    this(base, token, Duration.ofSeconds(30));
  }

  private Api(String base, String token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
  }

  /** The same API with another per-request timeout (30 s by default). */
  public Api withTimeout(Duration requestTimeout) {
    return new Api(base, token, requestTimeout);
  }

  public record Response(int status, java.net.http.HttpHeaders headers, String raw) {
    public JsonNode json() {
      try {
        return raw.isEmpty() ? JSON.nullNode() : JSON.readTree(raw);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + raw, e);
      }
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }

    @Override
    public String toString() {
      return status + " " + raw;
    }
  }

  public Response get(String path) {
    return send("GET", path, null, Map.of());
  }

  public Response post(String path, Object body) {
    return send("POST", path, body, Map.of());
  }

  public Response put(String path, Object body, Map<String, String> headers) {
    return send("PUT", path, body, headers);
  }

  public Response patch(String path, Object body, Map<String, String> headers) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.putIfAbsent("Content-Type", "application/merge-patch+json");
    return send("PATCH", path, body, h);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  /** {@code body}: a String is sent as it is, anything else as JSON. */
  public Response send(String method, String path, Object body, Map<String, String> headers) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      if (!headers.containsKey("Content-Type") && body != null) {
        request.header("Content-Type", "application/json");
      }
      headers.forEach(request::header);
      String payload = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      request.method(method, payload == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
