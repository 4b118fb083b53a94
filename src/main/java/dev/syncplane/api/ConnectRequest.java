package dev.syncplane.api;

public record ConnectRequest(String customerId) {}
