package dev.syncplane.api;

/** POST /api/v1/integrations. {@code id} is generated when absent; {@code syncEnabled} defaults to true. */
public record CreateIntegrationRequest(String id, String provider, String name, Long periodMs, Boolean syncEnabled) {}
