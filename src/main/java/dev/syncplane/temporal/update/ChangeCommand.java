package dev.syncplane.temporal.update;

import dev.syncplane.core.IntegrationChange;

/** A PUT or PATCH, validated by the API. {@code expectedVersion} comes from If-Match. */
public record ChangeCommand(
    String updateId, String integrationId, IntegrationChange change, Long expectedVersion, String idempotencyKey) {}
