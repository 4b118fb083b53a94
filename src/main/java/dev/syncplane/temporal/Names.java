package dev.syncplane.temporal;

import io.temporal.common.SearchAttributeKey;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The one source of every Temporal name syncplane uses: task queues, workflow and Schedule ids, and
 * search attributes. Scripts read the search attributes from here too (the {@code search-attributes}
 * command), so nothing is spelled twice.
 */
public final class Names {
  /** Config updates, connects, deletes and drift repair: never waits behind a sync backlog. */
  public static final String CONTROL_TASK_QUEUE = "syncplane-control";
  /** The syncs that Schedules start. */
  public static final String SYNC_TASK_QUEUE = "syncplane-sync";

  public static final SearchAttributeKey<String> INTEGRATION_ID = SearchAttributeKey.forKeyword("IntegrationId");
  public static final SearchAttributeKey<String> CUSTOMER_ID = SearchAttributeKey.forKeyword("CustomerId");
  public static final SearchAttributeKey<Long> CONFIG_VERSION = SearchAttributeKey.forLong("ConfigVersion");
  /** Set by the server on every run a Schedule starts. */
  public static final SearchAttributeKey<OffsetDateTime> SCHEDULED_START_TIME =
      SearchAttributeKey.forOffsetDateTime("TemporalScheduledStartTime");

  /** The custom search attributes the namespace must have, as {@code name=Type}. */
  public static final List<String> CUSTOM_SEARCH_ATTRIBUTES =
      List.of("IntegrationId=Keyword", "CustomerId=Keyword", "ConfigVersion=Int");

  public static final String DRIFT_REPAIR_WORKFLOW_ID = "drift-repair";

  private static final String UPDATE_PREFIX = "integration-update:";
  private static final String PASS_PREFIX = "integration-pass:";
  private static final String DELETE_PREFIX = "integration-delete:";
  private static final String REPAIR_PREFIX = "integration-repair:";

  /**
   * The workflow types of an integration's update runs, each a child of its UpdateIntegrationWorkflow: a fan-out
   * pass, a delete, a drift repair.
   */
  public static final List<String> UPDATE_RUN_TYPES = List.of("PassWorkflow", "DeleteWorkflow", "RepairWorkflow");
  private static final String SCHEDULE_PREFIX = "sync:";

  private Names() {}

  /** UpdateIntegrationWorkflow: every Schedule write of one integration goes through this workflow. */
  public static String updateWorkflowId(String integrationId) {
    return UPDATE_PREFIX + integrationId;
  }

  /** One fan-out pass, named by the version it was started for (a later pass of the same version is a new run). */
  public static String passWorkflowId(String integrationId, long version) {
    return PASS_PREFIX + integrationId + ":v" + version;
  }

  /** The run that deletes an integration's Schedules and rows. */
  public static String deleteWorkflowId(String integrationId) {
    return DELETE_PREFIX + integrationId;
  }

  /** One drift repair of one integration, named by the drift-repair scan that found it drifted. */
  public static String repairWorkflowId(String integrationId, String scanId) {
    return REPAIR_PREFIX + integrationId + ":" + scanId;
  }

  /** List query: the update runs (passes, deletes, drift repairs) of one integration. */
  public static String updateRunsQuery(String integrationId) {
    return schedulesOfIntegrationQuery(integrationId) + " AND WorkflowType IN ("
        + String.join(", ", UPDATE_RUN_TYPES.stream().map(t -> "\"" + t + "\"").toList()) + ")";
  }

  public static String scheduleId(String integrationId, String customerId) {
    return SCHEDULE_PREFIX + integrationId + ":" + customerId;
  }

  /** The two halves of one of our Schedule ids. */
  public record ScheduleKey(String integrationId, String customerId) {}

  /**
   * Reads a Schedule id back; empty unless it has exactly our shape {@code sync:<integrationId>:<customerId>}
   * (ids never contain ':', see {@code core.Ids}).
   */
  public static java.util.Optional<ScheduleKey> parseScheduleId(String scheduleId) {
    if (scheduleId == null || !scheduleId.startsWith(SCHEDULE_PREFIX)) {
      return java.util.Optional.empty();
    }
    String[] parts = scheduleId.substring(SCHEDULE_PREFIX.length()).split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new ScheduleKey(parts[0], parts[1]));
  }

  /** List query: every Schedule whose id has our prefix (ours or not: the caller checks the search attributes). */
  public static String schedulesWithOurPrefixQuery() {
    return "ScheduleId STARTS_WITH \"" + SCHEDULE_PREFIX + "\"";
  }

  /** List query: the Schedules whose id is ours for this integration, whatever their search attributes. */
  public static String schedulesWithIntegrationPrefixQuery(String integrationId) {
    return "ScheduleId STARTS_WITH \"" + SCHEDULE_PREFIX + integrationId + ":\"";
  }

  /** List query: the Schedules (or workflows) that carry {@code IntegrationId = integrationId}. */
  public static String schedulesOfIntegrationQuery(String integrationId) {
    return INTEGRATION_ID.getName() + " = \"" + integrationId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The Schedule appends the scheduled time to this id for each run it starts. */
  public static String syncWorkflowId(String integrationId, String customerId) {
    return scheduleId(integrationId, customerId);
  }

  /** A deep link to one workflow run in the Temporal UI. */
  public static String workflowUiUrl(String uiBaseUrl, String namespace, String workflowId, String runId) {
    String run = runId == null || runId.isEmpty() ? "" : "/" + runId;
    return trimmed(uiBaseUrl) + "/namespaces/" + namespace + "/workflows/" + encode(workflowId) + run + "/history";
  }

  /** A link to the Temporal UI's list of the workflows that match {@code query}. */
  public static String workflowListUiUrl(String uiBaseUrl, String namespace, String query) {
    return trimmed(uiBaseUrl) + "/namespaces/" + namespace + "/workflows?query=" + encode(query);
  }

  /** A deep link to one Schedule in the Temporal UI. */
  public static String scheduleUiUrl(String uiBaseUrl, String namespace, String scheduleId) {
    return trimmed(uiBaseUrl) + "/namespaces/" + namespace + "/schedules/" + encode(scheduleId);
  }

  private static String trimmed(String uiBaseUrl) {
    return uiBaseUrl.endsWith("/") ? uiBaseUrl.substring(0, uiBaseUrl.length() - 1) : uiBaseUrl;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
