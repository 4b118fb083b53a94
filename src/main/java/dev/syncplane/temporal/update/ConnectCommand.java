package dev.syncplane.temporal.update;

public record ConnectCommand(String integrationId, String connectionId, String customerId) {}
