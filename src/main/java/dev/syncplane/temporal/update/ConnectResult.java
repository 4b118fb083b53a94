package dev.syncplane.temporal.update;

import dev.syncplane.core.Connection;

/** {@code created} is false when the customer was already connected (the first connection is kept). */
public record ConnectResult(Connection connection, String scheduleId, long configVersion, boolean created) {}
