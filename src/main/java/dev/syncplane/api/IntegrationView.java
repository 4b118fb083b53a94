package dev.syncplane.api;

import dev.syncplane.core.Integration;
import java.time.Instant;

public record IntegrationView(
    String id,
    String provider,
    String name,
    long periodMs,
    boolean syncEnabled,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public static IntegrationView of(Integration i) {
    return new IntegrationView(
        i.id(), i.provider(), i.name(), i.periodMs(), i.syncEnabled(), i.version(), i.createdAt(), i.updatedAt());
  }

  /** The entity tag of this version: {@code "<version>"}. */
  public String etag() {
    return "\"" + version + "\"";
  }
}
