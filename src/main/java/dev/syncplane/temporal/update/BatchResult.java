package dev.syncplane.temporal.update;

import java.util.List;

/**
 * What one batch did, per Schedule outcome, so that the Temporal UI shows it in the activity result.
 * {@code created} lists (capped) the Schedules that were missing and were created.
 */
public record BatchResult(
    String lastConnectionId,
    boolean done,
    long version,
    int processed,
    int updated,
    int unchanged,
    int newerKept,
    List<String> created) {}
