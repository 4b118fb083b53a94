package dev.syncplane.core;

import java.time.Instant;

/** One end customer who connected an Integration's provider. Owns exactly one Schedule. */
public record Connection(String id, String integrationId, String customerId, Instant createdAt) {}
