package dev.syncplane.core;

import java.time.Instant;

/** An Integration as the database holds it: the source of truth for every Schedule of its connections. */
public record Integration(
    String id,
    String provider,
    String name,
    long periodMs,
    boolean syncEnabled,
    long version,
    IntegrationState state,
    Instant createdAt,
    Instant updatedAt) {

  public ScheduleConfig scheduleConfig() {
    return new ScheduleConfig(provider, periodMs, syncEnabled, version);
  }
}
