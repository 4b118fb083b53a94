package dev.syncplane.service;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;

/** If-Match handling: the ETag of an integration is its version in quotes. */
final class Preconditions {
  private Preconditions() {}

  /** @return the expected version, or null when there is no precondition ({@code *} or absent) */
  static Long parseIfMatch(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
      return null;
    }
    String tag = ifMatch.trim();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    try {
      long version = Long.parseLong(tag);
      if (version < 1) {
        throw new NumberFormatException();
      }
      return version;
    } catch (NumberFormatException e) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER, "If-Match must be an ETag from GET, such as \"3\"; got " + IntegrationRules.abbreviate(ifMatch));
    }
  }
}
