package dev.syncplane.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ChangeResponse;
import dev.syncplane.api.CreateIntegrationRequest;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.api.IntegrationView;
import dev.syncplane.api.Page;
import dev.syncplane.api.ReplaceIntegrationRequest;
import dev.syncplane.api.UpdateView;
import dev.syncplane.core.Commit;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.core.UpdateState;
import dev.syncplane.db.DatabaseFailures;
import dev.syncplane.db.IntegrationDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.metrics.SyncplaneMetrics;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFactory;
import dev.syncplane.temporal.update.ChangeCommand;
import dev.syncplane.temporal.update.DeleteCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Integrations: reads come from the DB; every change goes through the integration's UpdateIntegrationWorkflow. */
public class IntegrationService {
  private static final int MAX_IDEMPOTENCY_KEY = 200;

  /**
   * The integrations this replica has seen exist, with their providers (which never change). A PUT or PATCH of one
   * goes to its UpdateIntegrationWorkflow without reading the row first: UpdateIntegrationWorkflow's commit checks existence and the expected
   * version itself, and refuses with the same 404 or 412, writing nothing. An unknown id is still read first, so
   * that a PUT to an id that never existed starts no workflow. An entry for an integration that another replica
   * deleted costs one refused commit (and drops the entry); entries also expire, so such misses stay rare.
   */
  private final Cache<String, String> existing =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  private final IntegrationDao integrations;
  private final UpdateRunDao updates;
  private final IntegrationRules rules;
  private final UpdateSender sender;
  private final TemporalFactory temporal;
  private final Duration updateWait;
  private final SyncplaneMetrics metrics;

  public IntegrationService(
      IntegrationDao integrations,
      UpdateRunDao updates,
      IntegrationRules rules,
      UpdateSender sender,
      TemporalFactory temporal,
      Duration updateWait,
      SyncplaneMetrics metrics) {
    this.integrations = integrations;
    this.updates = updates;
    this.rules = rules;
    this.sender = sender;
    this.temporal = temporal;
    this.updateWait = updateWait;
    this.metrics = metrics;
  }

  /** The answer to a PUT or PATCH: committed (200) or still pending after the bounded wait (202). */
  public record ChangeOutcome(boolean committed, ChangeResponse body) {}

  public IntegrationView create(CreateIntegrationRequest r) {
    if (r == null) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "a JSON body with provider, name and periodMs is required");
    }
    rules.checkCreate(r.id(), r.provider(), r.name(), r.periodMs());
    String id = r.id() != null ? r.id() : UUID.randomUUID().toString();
    try {
      integrations.insert(id, r.provider(), r.name(), r.periodMs(), r.syncEnabled() == null || r.syncEnabled());
      existing.put(id, r.provider());
    } catch (UnableToExecuteStatementException e) {
      if (isUniqueViolation(e)) {
        throw new ApiException(ErrorCode.ALREADY_EXISTS, "an integration with id '" + id + "' already exists");
      }
      throw e;
    }
    return IntegrationView.of(integrations.findActive(id).orElseThrow());
  }

  public IntegrationView get(String id) {
    return IntegrationView.of(find(id));
  }

  public Page<IntegrationView> list(String after, int limit) {
    if (after != null) {
      IntegrationRules.checkId("after", after);
    }
    List<IntegrationView> items = integrations.page(after, limit).stream().map(IntegrationView::of).toList();
    return new Page<>(items, items.size() < limit ? null : items.get(items.size() - 1).id());
  }

  public ChangeOutcome replace(String id, ReplaceIntegrationRequest r, String ifMatch, String idempotencyKey) {
    IntegrationRules.checkId("id", id);
    if (r == null) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "a JSON body with name and periodMs is required");
    }
    Known known = precheck(id);
    IntegrationChange change = rules.checkReplace(known.provider(), r.provider(), r.name(), r.periodMs(), r.syncEnabled());
    return change(id, change, ifMatch, idempotencyKey, known);
  }

  public ChangeOutcome patch(String id, JsonNode patch, String ifMatch, String idempotencyKey) {
    IntegrationRules.checkId("id", id);
    IntegrationChange change = rules.checkPatch(patch);
    return change(id, change, ifMatch, idempotencyKey, precheck(id));
  }

  private ChangeOutcome change(String id, IntegrationChange change, String ifMatch, String idempotencyKey, Known known) {
    Long expected = Preconditions.parseIfMatch(ifMatch);
    if (expected != null && known.version() != null && known.version() != expected.longValue()) {
      throw new ApiException(
          ErrorCode.VERSION_MISMATCH,
          "integration " + id + " is at version " + known.version() + ", not " + expected + "; GET it and retry");
    }
    String key = checkIdempotencyKey(idempotencyKey);
    String updateId = key == null ? UUID.randomUUID().toString() : keyedUpdateId(id, key, change, expected);
    ChangeCommand command = new ChangeCommand(updateId, id, change, expected, key);
    long started = System.nanoTime();
    Optional<Commit> commit = forgetIfGone(id, () ->
        sender.submit(id, updateId, stub -> stub::change, command, Commit.class, updateWait));
    metrics.updateAccepted(Duration.ofNanos(System.nanoTime() - started));
    if (commit.isEmpty()) {
      return new ChangeOutcome(false, new ChangeResponse(null, pendingView(id, updateId)));
    }
    return new ChangeOutcome(
        true, new ChangeResponse(IntegrationView.of(commit.get().integration()), view(commit.get().update())));
  }

  public UpdateView delete(String id) {
    find(id);
    existing.invalidate(id);
    String updateId = "delete-" + id;
    Optional<UpdateRun> run =
        sender.submit(id, updateId, stub -> stub::delete, new DeleteCommand(updateId, id), UpdateRun.class, updateWait);
    return run.map(this::view).orElseGet(() -> pendingView(id, updateId));
  }

  public List<UpdateView> updates(String id, int limit) {
    IntegrationRules.checkId("id", id);
    List<UpdateView> runs = updates.recent(id, limit).stream().map(this::view).toList();
    if (runs.isEmpty()) {
      find(id);
    }
    return runs;
  }

  public UpdateView update(String id, String updateId) {
    IntegrationRules.checkId("id", id);
    return updates
        .find(updateId)
        .filter(u -> u.integrationId().equals(id))
        .map(this::view)
        .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "integration " + id + " has no update " + updateId));
  }

  private Integration find(String id) {
    IntegrationRules.checkId("id", id);
    return integrations
        .findActive(id)
        .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "integration " + id + " does not exist"));
  }

  /**
   * What a change needs to know before it goes to UpdateIntegrationWorkflow: the provider (a PUT may not change it) and, when
   * the row was read, its version, for a cheap 412. An integration this replica knows exists is not read again
   * ({@link #existing}). While the database does not answer, neither is known, and the request still goes to
   * UpdateIntegrationWorkflow, which commits as soon as the database is back (the caller gets 202).
   */
  private Known precheck(String id) {
    String provider = existing.getIfPresent(id);
    if (provider != null) {
      return new Known(provider, null);
    }
    try {
      Integration current = find(id);
      existing.put(id, current.provider());
      return new Known(current.provider(), current.version());
    } catch (RuntimeException e) {
      if (DatabaseFailures.isUnavailable(e)) {
        return new Known(null, null);
      }
      throw e;
    }
  }

  /** The provider and version of an integration before a change, as far as known (null: not known). */
  private record Known(String provider, Long version) {}

  /** UpdateIntegrationWorkflow said the integration is gone (or going): this replica no longer knows it exists. */
  private <T> T forgetIfGone(String id, Supplier<T> call) {
    try {
      return call.get();
    } catch (ApiException e) {
      if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.INTEGRATION_DELETING) {
        existing.invalidate(id);
      }
      throw e;
    }
  }

  public UpdateView view(UpdateRun u) {
    return new UpdateView(
        u.id(),
        u.integrationId(),
        u.kind().name(),
        u.version(),
        u.state().name(),
        u.schedulesTotal(),
        u.schedulesApplied(),
        u.workflowId(),
        temporal.workflowUiUrl(u.workflowId(), u.runId()),
        u.createdAt(),
        u.finishedAt());
  }

  private UpdateView pendingView(String integrationId, String updateId) {
    String workflowId = Names.updateWorkflowId(integrationId);
    return new UpdateView(
        updateId, integrationId, null, null, UpdateState.PENDING.name(), 0, 0, workflowId,
        temporal.workflowUiUrl(workflowId, null), null, null);
  }

  private static String checkIdempotencyKey(String key) {
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new ApiException(
          ErrorCode.INVALID_PARAMETER, "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " visible ASCII characters");
    }
    return key;
  }

  /**
   * Same key and same request, same update id: Temporal then deduplicates the update itself, and the DB
   * the commit. The same key with a different request gets another id, which the DB refuses (422).
   */
  static String keyedUpdateId(String integrationId, String key, IntegrationChange change, Long expectedVersion) {
    String request = String.join("\n", integrationId, key, String.valueOf(change.name()),
        String.valueOf(change.periodMs()), String.valueOf(change.syncEnabled()), String.valueOf(expectedVersion));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
      return "key-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean isUniqueViolation(UnableToExecuteStatementException e) {
    return e.getCause() instanceof java.sql.SQLException s && "23505".equals(s.getSQLState());
  }

}
