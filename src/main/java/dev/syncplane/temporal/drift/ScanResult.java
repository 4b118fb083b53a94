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
public record ScanResult(List<String> suspects, int integrations, int connections, int schedulesListed) {}
