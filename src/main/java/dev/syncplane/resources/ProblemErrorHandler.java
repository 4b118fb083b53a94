package dev.syncplane.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Problem;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it refuses before Jersey sees it: a suspicious or ambiguous
 * path such as {@code %2F..}, a control character, an unparseable request line) in the same
 * application/problem+json shape as every other error, instead of Jetty's HTML page or empty body.
 */
public class ProblemErrorHandler extends ErrorHandler {
  private final ObjectMapper mapper;

  public ProblemErrorHandler(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Jetty writes a body only for GET, POST and HEAD by default; a refused PUT, PATCH or DELETE needs one too. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request, Response response, int code, String message, Throwable cause, Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    if (code == 503) { // Jetty refuses new requests while the server stops gracefully: nothing of it was read
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      response.write(true, json(Problem.of(ErrorCode.SHUTTING_DOWN,
          "this replica is stopping and did not read the request: nothing was written; send it again (to another"
              + " replica), with the same Idempotency-Key for a change", java.util.List.of())), callback);
      return;
    }
    response.write(true, body(code, message), callback);
  }

  /** Requests so malformed that no Request exists yet: the connection answers with this body. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    return body(status, reason);
  }

  private ByteBuffer body(int status, String message) {
    String detail = "the server refused the request before reading it"
        + (message == null || message.isBlank() ? "" : ": " + message)
        + "; percent-encode ids and avoid control characters, backslashes and encoded slashes in paths";
    return json(ProblemMappers.forStatus(status, ErrorCode.MALFORMED_REQUEST, detail));
  }

  private ByteBuffer json(Problem problem) {
    try {
      return ByteBuffer.wrap(mapper.writeValueAsBytes(problem));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
