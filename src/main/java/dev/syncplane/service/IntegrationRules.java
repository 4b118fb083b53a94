package dev.syncplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.Problem.FieldError;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.Ids;
import dev.syncplane.core.connector.ConnectorRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** What a valid request looks like. Checked before anything is written or sent to Temporal. */
public class IntegrationRules {
  public static final int MAX_NAME_LENGTH = 200;
  public static final long MAX_PERIOD_MS = 31L * 24 * 3600 * 1000;
  private static final Set<String> PATCHABLE = Set.of("name", "periodMs", "syncEnabled");

  private final ConnectorRegistry connectors;
  private final long minPeriodMs;

  public IntegrationRules(ConnectorRegistry connectors, long minPeriodMs) {
    this.connectors = connectors;
    this.minPeriodMs = minPeriodMs;
  }

  /** Ids in paths: refused with 400 before any lookup. */
  public static void checkId(String field, String id) {
    if (!Ids.isValid(id)) {
      throw new ApiException(
          ErrorCode.INVALID_ID,
          field + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
  }

  public void checkCreate(String id, String provider, String name, Long periodMs) {
    List<FieldError> errors = new ArrayList<>();
    if (id != null && !Ids.isValid(id)) {
      errors.add(new FieldError("id", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"));
    }
    checkProvider(provider, errors);
    checkName(name, true, errors);
    checkPeriod(periodMs, true, errors);
    throwIfAny(errors);
  }

  /** A PUT: every field but provider is set; provider may be repeated, not changed. */
  public IntegrationChange checkReplace(String currentProvider, String provider, String name, Long periodMs, Boolean syncEnabled) {
    List<FieldError> errors = new ArrayList<>();
    if (provider != null && currentProvider != null && !provider.equals(currentProvider)) {
      errors.add(new FieldError("provider", "cannot be changed (is " + currentProvider + "); create a new integration instead"));
    }
    checkName(name, true, errors);
    checkPeriod(periodMs, true, errors);
    throwIfAny(errors);
    return new IntegrationChange(name, periodMs, syncEnabled == null ? Boolean.TRUE : syncEnabled);
  }

  /** An RFC 7386 merge patch of the scalar fields. Nulls would remove required fields, so they are refused. */
  public IntegrationChange checkPatch(JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "a merge patch must be a JSON object, such as {\"periodMs\": 120000}");
    }
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> names = patch.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!PATCHABLE.contains(field)) {
        throw new ApiException(
            ErrorCode.UNKNOWN_FIELD,
            "field '" + field + "' cannot be patched; patchable fields are " + String.join(", ", PATCHABLE.stream().sorted().toList()));
      }
    }
    String name = null;
    Long periodMs = null;
    Boolean syncEnabled = null;
    if (patch.has("name")) {
      JsonNode n = patch.get("name");
      if (!n.isTextual()) {
        errors.add(new FieldError("name", "must be a string"));
      } else {
        name = n.asText();
        checkName(name, true, errors);
      }
    }
    if (patch.has("periodMs")) {
      JsonNode n = patch.get("periodMs");
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        errors.add(new FieldError("periodMs", "must be a whole number of milliseconds"));
      } else {
        periodMs = n.asLong();
        checkPeriod(periodMs, true, errors);
      }
    }
    if (patch.has("syncEnabled")) {
      JsonNode n = patch.get("syncEnabled");
      if (!n.isBoolean()) {
        errors.add(new FieldError("syncEnabled", "must be true or false"));
      } else {
        syncEnabled = n.asBoolean();
      }
    }
    throwIfAny(errors);
    if (name == null && periodMs == null && syncEnabled == null) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "the patch changes nothing; name one of name, periodMs, syncEnabled");
    }
    return new IntegrationChange(name, periodMs, syncEnabled);
  }

  private void checkProvider(String provider, List<FieldError> errors) {
    if (provider == null || provider.isBlank()) {
      errors.add(new FieldError("provider", "is required; one of " + String.join(", ", connectors.providers())));
    } else if (!connectors.knows(provider)) {
      throw new ApiException(
          ErrorCode.UNKNOWN_PROVIDER,
          "provider '" + abbreviate(provider) + "' is not known; use one of " + String.join(", ", connectors.providers()),
          List.of(new FieldError("provider", "unknown")),
          null);
    }
  }

  private static void checkName(String name, boolean required, List<FieldError> errors) {
    if (name == null) {
      if (required) {
        errors.add(new FieldError("name", "is required"));
      }
    } else if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      errors.add(new FieldError("name", "must be 1 to " + MAX_NAME_LENGTH + " characters, not blank"));
    } else if (name.chars().anyMatch(Character::isISOControl)) {
      errors.add(new FieldError("name", "must not contain control characters"));
    }
  }

  private void checkPeriod(Long periodMs, boolean required, List<FieldError> errors) {
    if (periodMs == null) {
      if (required) {
        errors.add(new FieldError("periodMs", "is required, in milliseconds, at least " + minPeriodMs));
      }
    } else if (periodMs < minPeriodMs) {
      throw new ApiException(
          ErrorCode.PERIOD_TOO_SHORT,
          "periodMs " + periodMs + " is below the minimum of " + minPeriodMs + " ms",
          List.of(new FieldError("periodMs", "must be at least " + minPeriodMs)),
          null);
    } else if (periodMs > MAX_PERIOD_MS) {
      errors.add(new FieldError("periodMs", "must be at most " + MAX_PERIOD_MS + " (31 days)"));
    }
  }

  private static void throwIfAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
  }

  /** Echoes caller input back in a message without echoing all of it. */
  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
