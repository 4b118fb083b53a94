package dev.syncplane.temporal.sync;

/** The argument every connection's Schedule passes to SyncConnectionWorkflow. */
public record SyncRequest(String integrationId, String connectionId, String customerId) {}
