package dev.syncplane.temporal.update;

import java.util.List;

/** The details of a batch's {@code ScheduleWriteFailed} failure: the Schedules it could not write (the first few). */
public record FailedWrites(List<FailedWrite> writes) {
  public static final String TYPE = "ScheduleWriteFailed";
}
