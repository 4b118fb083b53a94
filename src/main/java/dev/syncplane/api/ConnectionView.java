package dev.syncplane.api;

import java.time.Instant;

public record ConnectionView(String id, String integrationId, String customerId, String scheduleId, Instant createdAt) {}
