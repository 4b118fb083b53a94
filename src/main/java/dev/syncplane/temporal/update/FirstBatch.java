package dev.syncplane.temporal.update;

/**
 * What {@link ScheduleActivities#beginPass} did: the pass it began ({@code pass.exists()} is false once the
 * integration is gone, and there is no batch then) and that pass's first batch. A pass whose first batch is
 * {@code done} has been finished too.
 */
public record FirstBatch(FanOutStart pass, BatchResult batch) {}
