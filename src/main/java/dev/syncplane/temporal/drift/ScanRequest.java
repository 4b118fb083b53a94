package dev.syncplane.temporal.drift;

/**
 * @param deep every integration with connections is a suspect (its Schedules all get described)
 * @param resumeAfter when the last scan found more suspects than one run takes, the last one it took:
 *     this scan takes those after it (wrapping around), so that every integration gets its turn
 */
public record ScanRequest(String scanId, boolean deep, String resumeAfter) {}
