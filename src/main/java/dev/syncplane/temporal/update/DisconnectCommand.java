package dev.syncplane.temporal.update;

public record DisconnectCommand(String integrationId, String connectionId, String customerId) {}
