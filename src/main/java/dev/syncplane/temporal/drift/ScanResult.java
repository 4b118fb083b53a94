package dev.syncplane.temporal.drift;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;

/**
 * What a scan found: the integrations to re-check inside their UpdateIntegrationWorkflows. Suspects only: the list is
 * eventually consistent, so nothing is counted until UpdateIntegrationWorkflow has confirmed it by describe.
 *
 * @param integrations active integrations with connections, in the DB
 * @param connections their connections, in the DB
 * @param schedulesListed Schedules with our id prefix, in Temporal's list
 * @param suspectCustomers for a suspect integration found by the list-based scan, the customers whose
 *     Schedules to describe; a suspect without an entry (and every suspect when this is null) is checked
 *     as a whole
 */
public record ScanResult(
    List<String> suspects,
    int integrations,
    int connections,
    int schedulesListed,
    int suspectsFound,
    String resumeAfter,
    Map<String, List<String>> suspectCustomers) {

  /**
   * Suspect customers per run at most, across integrations: the result and the repair batches travel
   * through the drift-repair workflow's history (10,000 ids of at most 64 characters stay under 700 KB,
   * below Temporal's 2 MB payload limit). Above it the integrations with the most suspects are checked
   * as a whole.
   */
  public static final int MAX_SUSPECT_CUSTOMERS = 10_000;

  public ScanResult(List<String> suspects, int integrations, int connections, int schedulesListed) {
    this(suspects, integrations, connections, schedulesListed, suspects.size(), null, null);
  }

  /** The suspect customers of one integration, or null: check every Schedule of it. */
  public List<String> customersOf(String integrationId) {
    return suspectCustomers == null ? null : suspectCustomers.get(integrationId);
  }

  /** At most {@code max} suspects, starting after {@code after} and wrapping around; the rest wait for the next run. */
  public static ScanResult of(NavigableSet<String> all, int max, String after, int integrations, int connections, int listed) {
    NavigableMap<String, Collection<String>> whole = new TreeMap<>();
    all.forEach(id -> whole.put(id, null));
    return of(whole, max, after, integrations, connections, listed);
  }

  /**
   * At most {@code max} suspects, starting after {@code after} and wrapping around; the rest wait for the
   * next run.
   *
   * @param all suspect integrations, each with its suspect customers or null (every Schedule)
   */
  public static ScanResult of(
      NavigableMap<String, ? extends Collection<String>> all, int max, String after, int integrations, int connections,
      int listed) {
    List<String> taken;
    String resume = null;
    if (all.size() <= max) {
      taken = List.copyOf(all.keySet());
    } else {
      taken = new ArrayList<>(max);
      for (String id : after == null ? all.keySet() : all.tailMap(after, false).keySet()) {
        if (taken.size() == max) {
          break;
        }
        taken.add(id);
      }
      for (String id : all.keySet()) {
        if (taken.size() == max) {
          break;
        }
        taken.add(id);
      }
      resume = taken.get(taken.size() - 1);
    }
    Map<String, List<String>> customers = new TreeMap<>();
    int count = 0;
    for (String id : taken) {
      Collection<String> c = all.get(id);
      if (c != null) {
        customers.put(id, List.copyOf(c));
        count += c.size();
      }
    }
    List<String> largestFirst = new ArrayList<>(customers.keySet());
    largestFirst.sort(Comparator.comparingInt((String id) -> customers.get(id).size()).reversed());
    for (String id : largestFirst) {
      if (count <= MAX_SUSPECT_CUSTOMERS) {
        break;
      }
      count -= customers.remove(id).size(); // checked as a whole
    }
    return new ScanResult(List.copyOf(taken), integrations, connections, listed, all.size(), resume, customers);
  }
}
