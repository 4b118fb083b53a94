package dev.syncplane.core.connector;

public record SyncResult(long records) {}
