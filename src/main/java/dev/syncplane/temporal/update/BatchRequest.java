package dev.syncplane.temporal.update;

/** One page of connections after {@code afterConnectionId} (null: from the start). */
public record BatchRequest(String integrationId, String afterConnectionId, int appliedBefore) {}
