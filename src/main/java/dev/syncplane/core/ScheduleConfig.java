package dev.syncplane.core;

/** The part of an Integration that every one of its Schedules carries, stamped with its version. */
public record ScheduleConfig(String provider, long periodMs, boolean syncEnabled, long version) {}
