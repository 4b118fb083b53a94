package dev.syncplane.temporal.update;

/** A fan-out pass begins at the newest committed version; {@code exists} is false once the integration is gone. */
public record FanOutStart(boolean exists, long version, int total) {}
