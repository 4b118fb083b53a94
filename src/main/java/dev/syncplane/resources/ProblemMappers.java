package dev.syncplane.resources;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.List;
import java.util.stream.Collectors;
import dev.syncplane.db.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error leaves as application/problem+json with a stable code. Dropwizard's defaults are off. */
public final class ProblemMappers {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemMappers.class);

  private ProblemMappers() {}

  public static List<Object> all() {
    return List.of(new Api(), new Json(), new Web(), new Unexpected());
  }

  static Response respond(Problem problem, Integer retryAfterSeconds) {
    Response.ResponseBuilder r = Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    if (retryAfterSeconds != null) {
      r.header("Retry-After", retryAfterSeconds);
    }
    return r.build();
  }

  static Response respond(ErrorCode code, String detail) {
    return respond(Problem.of(code, detail, List.of()), null);
  }

  public static class Api implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
      return respond(e.problem(), e.retryAfterSeconds());
    }
  }

  public static class Json implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
      if (e.getCause() instanceof WebApplicationException w) { // the body limit tripped while parsing
        return new Web().toResponse(w);
      }
      if (e instanceof UnrecognizedPropertyException u) {
        String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
            .map(String::valueOf).sorted().collect(Collectors.joining(", "));
        return respond(ErrorCode.UNKNOWN_FIELD, "unknown field '" + u.getPropertyName() + "'; known fields are " + known);
      }
      if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
        String field = ((MismatchedInputException) e).getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
        return respond(ErrorCode.INVALID_FIELD,
            (field.isEmpty() ? "the body" : "field '" + field + "'") + " has the wrong type or shape");
      }
      if (e instanceof JsonParseException p) {
        return respond(ErrorCode.MALFORMED_JSON, "malformed JSON at line " + p.getLocation().getLineNr()
            + ", column " + p.getLocation().getColumnNr() + ": " + p.getOriginalMessage());
      }
      return respond(ErrorCode.MALFORMED_JSON, "the body could not be read as JSON: " + e.getOriginalMessage());
    }
  }

  /** Jersey's own answers (404 route, 405, 406, 415, 413 from the body limit) in the same shape. */
  public static class Web implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      int status = e.getResponse().getStatus();
      if (status >= 500) {
        LOG.error("request failed", e);
      }
      return respond(forStatus(status, ErrorCode.VALIDATION_FAILED, e.getMessage()), null);
    }
  }

  /** A problem for an HTTP status that has no code of its own yet; {@code fallback} for other 4xx. */
  public static Problem forStatus(int status, ErrorCode fallback, String detail) {
    ErrorCode code = switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 413 -> ErrorCode.BODY_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      default -> status >= 500 ? ErrorCode.INTERNAL : fallback;
    };
    Problem p = Problem.of(code, detail, List.of());
    return new Problem(p.type(), p.title(), status, p.detail(), p.code(), p.errors());
  }

  public static class Unexpected implements ExceptionMapper<Throwable> {
    @Override
    public Response toResponse(Throwable e) {
      if (DatabaseFailures.isUnavailable(e)) {
        LOG.warn("database unreachable: {}", e.toString());
        return respond(Problem.of(ErrorCode.DATABASE_UNAVAILABLE, "the database did not answer; retry shortly", List.of()), 5);
      }
      LOG.error("unexpected error", e);
      return respond(ErrorCode.INTERNAL, "an unexpected error happened; it was logged");
    }
  }
}
