package dev.syncplane.temporal.drift;

/** @param deep every integration with connections is a suspect (its Schedules all get described) */
public record ScanRequest(String scanId, boolean deep) {}
