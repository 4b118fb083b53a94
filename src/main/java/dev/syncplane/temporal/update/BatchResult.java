package dev.syncplane.temporal.update;

import java.util.List;

/**
 * What one batch did, per Schedule outcome, so that the Temporal UI shows it in the activity result.
 * {@code created} lists (capped) the Schedules that were missing and were created. {@code newerKept}: not
 * written because a newer version committed meanwhile (the next pass writes it).
 */
public record BatchResult(
    String lastConnectionId,
    boolean done,
    long version,
    int processed,
    int updated,
    int newerKept,
    List<String> created) {}
