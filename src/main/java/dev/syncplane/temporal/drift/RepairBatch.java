package dev.syncplane.temporal.drift;

import java.util.List;
import java.util.Map;

/**
 * Some suspect integrations, each to be re-checked and repaired inside its own UpdateIntegrationWorkflow.
 *
 * @param customers the suspect customers of those integrations the list-based scan narrowed down;
 *     an integration without an entry (every one when this is null) is checked as a whole
 */
public record RepairBatch(String scanId, List<String> integrationIds, int maxIds, Map<String, List<String>> customers) {
  public RepairBatch(String scanId, List<String> integrationIds, int maxIds) {
    this(scanId, integrationIds, maxIds, null);
  }

  /** The suspect customers of one integration, or null: every Schedule of it. */
  public List<String> customersOf(String integrationId) {
    return customers == null ? null : customers.get(integrationId);
  }
}
