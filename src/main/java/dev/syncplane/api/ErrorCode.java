package dev.syncplane.api;

/** The stable {@code code} of every problem+json answer, with its HTTP status. */
public enum ErrorCode {
  MALFORMED_JSON(400, "The request body is not valid JSON"),
  UNKNOWN_FIELD(400, "The request body has a field this API does not know"),
  INVALID_FIELD(400, "A field of the request body has the wrong type"),
  INVALID_ID(400, "An id in the path or body is not allowed"),
  INVALID_PARAMETER(400, "A query parameter or header is not allowed"),
  MALFORMED_REQUEST(400, "The request line, path or headers are malformed"),
  UNAUTHORIZED(401, "A valid bearer token is required"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  ALREADY_EXISTS(409, "Already exists"),
  INTEGRATION_DELETING(409, "The integration is being deleted"),
  VERSION_MISMATCH(412, "The integration is not at the version named in If-Match"),
  BODY_TOO_LARGE(413, "The request body is too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  VALIDATION_FAILED(422, "The request is not valid"),
  UNKNOWN_PROVIDER(422, "Unknown provider"),
  PERIOD_TOO_SHORT(422, "periodMs is below the minimum"),
  IDEMPOTENCY_KEY_REUSED(422, "The Idempotency-Key was used for another request"),
  TEMPORAL_THROTTLED(429, "Temporal is rate limiting requests"),
  INTERNAL(500, "Internal error"),
  TEMPORAL_UNAVAILABLE(503, "Temporal did not answer or failed the call"),
  DATABASE_UNAVAILABLE(503, "The database is unreachable"),
  DRIFT_REPAIR_NOT_RUNNING(503, "The drift-repair workflow is not running yet"),
  SHUTTING_DOWN(503, "This replica is shutting down and took no new request");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
