package dev.syncplane.api;

/** PUT /api/v1/integrations/{id}: the whole config. {@code provider} may be repeated but not changed. */
public record ReplaceIntegrationRequest(String provider, String name, Long periodMs, Boolean syncEnabled) {}
