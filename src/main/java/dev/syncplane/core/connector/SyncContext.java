package dev.syncplane.core.connector;

/** What a connector knows about the sync it runs. */
public record SyncContext(String integrationId, String connectionId, String customerId, long configVersion) {}
