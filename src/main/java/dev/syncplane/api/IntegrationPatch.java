package dev.syncplane.api;

/**
 * PATCH /api/v1/integrations/{id} (application/merge-patch+json): any subset of these fields. The
 * resource reads the body as a JSON tree to see which fields are present; this record describes it in
 * the OpenAPI document.
 */
public record IntegrationPatch(String name, Long periodMs, Boolean syncEnabled) {}
