package dev.syncplane.temporal.drift;

import java.util.List;

/**
 * What a scan found: the integrations to re-check inside their executors. Suspects only: the list is
 * eventually consistent, so nothing is counted until the executor has confirmed it by describe.
 *
 * @param integrations active integrations with connections, in the DB
 * @param connections their connections, in the DB
 * @param schedulesListed Schedules with our id prefix, in Temporal's list
 */
public record ScanResult(
    List<String> suspects, int integrations, int connections, int schedulesListed, int suspectsFound, String resumeAfter) {

  public ScanResult(List<String> suspects, int integrations, int connections, int schedulesListed) {
    this(suspects, integrations, connections, schedulesListed, suspects.size(), null);
  }

  /** At most {@code max} suspects, starting after {@code after} and wrapping around; the rest wait for the next run. */
  public static ScanResult of(
      java.util.NavigableSet<String> all, int max, String after, int integrations, int connections, int listed) {
    if (all.size() <= max) {
      return new ScanResult(List.copyOf(all), integrations, connections, listed, all.size(), null);
    }
    List<String> taken = new java.util.ArrayList<>(max);
    for (String id : after == null ? all : all.tailSet(after, false)) {
      if (taken.size() == max) {
        break;
      }
      taken.add(id);
    }
    for (String id : all) {
      if (taken.size() == max) {
        break;
      }
      taken.add(id);
    }
    return new ScanResult(taken, integrations, connections, listed, all.size(), taken.get(taken.size() - 1));
  }
}
