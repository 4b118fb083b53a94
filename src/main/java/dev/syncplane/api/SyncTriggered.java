package dev.syncplane.api;

/** 202 of "sync now": the Schedule was triggered; its run shows up in sync-runs. */
public record SyncTriggered(String connectionId, String scheduleId) {}
