package dev.syncplane.temporal.drift;

import io.temporal.activity.ActivityInterface;
import java.util.List;

@ActivityInterface
public interface DriftActivities {

  /** The current {@code driftRepair} configuration of the worker. */
  DriftSettings settings();

  /** Lists Schedules and pages the DB; returns the integrations to re-check. Writes nothing. */
  ScanResult scan(ScanRequest request);

  /**
   * Sends each integration's re-check to its UpdateIntegrationWorkflow ({@code integration-update:<id>}, Update
   * {@code repair}) and waits for the results: every repair write is serialized with that integration's
   * updates.
   */
  List<IntegrationRepair> repairIntegrations(RepairBatch batch);

  /** Persists the report (once per scan id) and counts it in the metrics. */
  void store(DriftReport report);
}
