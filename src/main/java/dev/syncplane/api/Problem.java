package dev.syncplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An RFC 9457 problem details body, with syncplane's stable {@code code}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public record FieldError(String field, String message) {}

  public static Problem of(ErrorCode code, String detail, List<FieldError> errors) {
    return new Problem(
        "urn:syncplane:problem:" + code.name().toLowerCase().replace('_', '-'),
        code.title(),
        code.status(),
        detail,
        code.name(),
        errors == null ? List.of() : errors);
  }
}
