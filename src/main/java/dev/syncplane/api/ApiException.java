package dev.syncplane.api;

import java.util.List;

/**
 * An answer other than success, rendered as problem+json. A refusal writes nothing; a 429 or 503 for a change says
 * in its detail whether the change may have been written (TemporalErrors).
 */
public class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final List<Problem.FieldError> errors;
  private final Integer retryAfterSeconds;

  public ApiException(ErrorCode code, String detail) {
    this(code, detail, List.of(), null);
  }

  public ApiException(ErrorCode code, String detail, List<Problem.FieldError> errors, Integer retryAfterSeconds) {
    super(detail);
    this.code = code;
    this.errors = errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException invalid(List<Problem.FieldError> errors) {
    String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
        : errors.size() + " fields are not valid; see errors";
    return new ApiException(ErrorCode.VALIDATION_FAILED, detail, errors, null);
  }

  public ErrorCode code() {
    return code;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Problem problem() {
    return Problem.of(code, getMessage(), errors);
  }
}
