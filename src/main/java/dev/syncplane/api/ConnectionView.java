package dev.syncplane.api;

import java.time.Instant;

/** A connected customer; {@code temporalUiUrl} opens its Schedule in the Temporal UI. */
public record ConnectionView(
    String id, String integrationId, String customerId, String scheduleId, String temporalUiUrl, Instant createdAt) {}
