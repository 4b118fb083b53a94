package dev.syncplane.resources;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;

/** The {@code limit} query parameter: 1 to the configured maximum, 50 when absent. */
public record Paging(int maxPageSize) {
  public static final int DEFAULT = 50;

  public int limit(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Math.min(DEFAULT, maxPageSize);
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= maxPageSize) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit must be a whole number from 1 to " + maxPageSize);
  }
}
