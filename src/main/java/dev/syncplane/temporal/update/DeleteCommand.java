package dev.syncplane.temporal.update;

public record DeleteCommand(String updateId, String integrationId) {}
