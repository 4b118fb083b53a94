package dev.syncplane.temporal.schedules;

import dev.syncplane.core.Connection;
import dev.syncplane.temporal.Names;
import dev.syncplane.temporal.TemporalFailures;
import io.grpc.StatusRuntimeException;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.api.workflowservice.v1.UpdateScheduleRequest;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Every Schedule RPC syncplane makes goes through here, under one rate budget: the namespace's, shared by every
 * replica ({@link RpcBudget}). Callers must hold the
 * integration's serialization (its UpdateIntegrationWorkflow): the SDK sends no conflict token.
 *
 * <p>A write is one UpdateSchedule call (CreateSchedule if the Schedule is missing), fenced by the
 * integration's committed version, read from PostgreSQL right before the call. Every version a Schedule
 * can carry was committed there first, so "the DB is still at my version" means that no Schedule carries
 * a newer one: an attempt that outlived its timeout, or a pass overtaken by a newer commit, writes
 * nothing. This replaced a describe before every write (the SDK's {@code ScheduleHandle.update}): on
 * Temporal a describe is a consistent query on the Schedule's workflow, and cost two thirds of each write
 * (bin/bench; docs/adr/0004-version-fence-not-describe.md). Drift repair still describes: it must see what
 * the Schedule really holds.
 */
public class ScheduleGateway {

  /** What a write did to one Schedule. */
  public enum Outcome {
    CREATED,
    UPDATED,
    /** Drift repair: the describe showed nothing to repair; nothing written. */
    UP_TO_DATE,
    /** A newer version has committed (or the integration is being deleted): nothing written. */
    NEWER_KEPT,
    DELETED,
    /** Nothing to delete. */
    ABSENT,
    /**
     * Created, and deleted again at once: its connection was gone, or its integration being deleted, by the
     * time the Schedule existed (a write that outlived a disconnect or the start of a delete). Nothing left.
     */
    GONE
  }

  private static final int ATTEMPTS = 4;
  /**
   * How long a listing goes on asking again after Temporal throttles it (RESOURCE_EXHAUSTED), counted from the
   * first refusal; then the refusal is thrown (the API answers 429). Each attempt is itself retried by the SDK for
   * temporal.rpcRetrySeconds.
   */
  static final Duration LIST_THROTTLE_BUDGET = Duration.ofSeconds(2);

  private final ScheduleClient client;
  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final DataConverter dataConverter;
  private final RpcBudget budget;

  /**
   * A gateway with a budget for this process alone (tests and tools); the service's is the namespace's
   * ({@link #ScheduleGateway(WorkflowServiceStubs, ScheduleClientOptions, RpcBudget)}).
   *
   * @param rpcPerSecond the budget for Schedule RPCs per second; 0 or less means unbounded
   */
  public ScheduleGateway(WorkflowServiceStubs stubs, ScheduleClientOptions options, double rpcPerSecond) {
    this(stubs, options, rpcPerSecond > 0 ? RpcBudget.perProcess(rpcPerSecond) : null);
  }

  /** @param budget every Schedule RPC takes a permit from it; null means unbounded */
  public ScheduleGateway(WorkflowServiceStubs stubs, ScheduleClientOptions options, RpcBudget budget) {
    this.client = ScheduleClient.newInstance(stubs, options);
    this.stubs = stubs;
    this.namespace = options.getNamespace();
    this.dataConverter = options.getDataConverter();
    this.budget = budget;
  }

  /**
   * Makes the Schedule carry {@code desired}, creating it if missing, unless {@code committedVersion}
   * (read right before the write; {@link Long#MAX_VALUE} once the integration is gone or being deleted)
   * is newer than {@code desired}'s. A Schedule it creates is kept only if {@code live} (read right after the
   * create) says its connection still exists in an active integration ({@link #create}).
   */
  public Outcome apply(DesiredSchedule desired, LongSupplier committedVersion, Predicate<Connection> live) {
    if (committedVersion.getAsLong() > desired.version()) {
      return Outcome.NEWER_KEPT;
    }
    try {
      acquire(1);
      transientRetried(() -> stubs.blockingStub().updateSchedule(updateRequest(desired)));
      return Outcome.UPDATED;
    } catch (RuntimeException e) {
      if (!isNotFound(e)) {
        throw e;
      }
    }
    try {
      return create(desired, live);
    } catch (ScheduleAlreadyRunningException raced) {
      // Created between our update and our create: only possible outside our serialization (by hand).
      acquire(1);
      stubs.blockingStub().updateSchedule(updateRequest(desired));
      return Outcome.UPDATED;
    }
  }

  /**
   * Creates the Schedule (throws ScheduleAlreadyRunningException if it exists), then asks {@code live} whether
   * its connection still exists in an active integration, and deletes it again if not (or if that cannot be
   * read). A write can outlive the serialization it was started under (an activity attempt that outlived its
   * timeout), and a disconnect or a delete may have run meanwhile; both commit the rows before they delete the
   * Schedules. So either this check sees their commit and deletes, or their Schedule delete comes after this
   * create and deletes it: no Schedule is left for a connection that is gone. Only creates pay the read; an
   * update of a Schedule that a disconnect is deleting ends in NOT_FOUND and comes here.
   */
  private Outcome create(DesiredSchedule desired, Predicate<Connection> live) {
    acquire(1);
    client.createSchedule(
        desired.scheduleId(),
        desired.toSchedule(),
        ScheduleOptions.newBuilder().setTypedSearchAttributes(desired.searchAttributes()).build());
    boolean kept;
    try {
      kept = live.test(desired.connection());
    } catch (RuntimeException | Error unreadable) {
      try {
        delete(desired.scheduleId());
      } catch (RuntimeException deleteFailed) {
        unreadable.addSuppressed(deleteFailed); // the attempt fails for the read; the delete's failure rides along
      }
      throw unreadable;
    }
    if (!kept) {
      delete(desired.scheduleId());
    }
    return kept ? Outcome.CREATED : Outcome.GONE;
  }

  /**
   * The UpdateSchedule call for {@code desired}: the whole Schedule (spec, action, state) and its search
   * attributes, as the SDK's {@code ScheduleHandle.update} sends them after its describe.
   */
  public UpdateScheduleRequest updateRequest(DesiredSchedule desired) {
    return UpdateScheduleRequest.newBuilder()
        .setNamespace(namespace)
        .setScheduleId(desired.scheduleId())
        .setRequestId(UUID.randomUUID().toString())
        .setSchedule(ScheduleProtos.toProto(desired.toSchedule(), namespace, dataConverter))
        .setSearchAttributes(ScheduleProtos.searchAttributes(desired.searchAttributes()))
        .build();
  }

  /**
   * A busy or briefly unreachable server is asked again, a few times; each attempt after the first takes a permit of
   * its own (it is another RPC on the wire).
   */
  private void transientRetried(Runnable call) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (attempt > 1) {
          acquire(1);
        }
        call.run();
        return;
      } catch (StatusRuntimeException e) {
        if (attempt == ATTEMPTS || !TemporalFailures.isTransient(e)) {
          throw e;
        }
        try {
          Thread.sleep(100L << attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Drift repair's confirm-and-write with one describe: the describe that {@code ScheduleHandle.update}
   * makes anyway is handed to {@code decide} (empty when the Schedule does not exist), and only if it
   * says so is the Schedule written (it keeps a newer version only if the DB has it too: a version
   * higher than the DB's can only have been forged), or created. So a
   * drifted Schedule costs a describe and a write, a Schedule that is fine only the describe.
   *
   * @return UPDATED or CREATED if written; NEWER_KEPT if the version check kept it; UP_TO_DATE if
   *     {@code decide} said no to an existing Schedule, ABSENT to a missing one; GONE if {@code live} said no
   *     to the one it created ({@link #create})
   */
  public Outcome repairIf(
      DesiredSchedule desired,
      Predicate<Optional<ScheduleDescription>> decide,
      LongSupplier dbVersion,
      Predicate<Connection> live) {
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    try {
      acquire(1); // describe
      handle(desired.scheduleId())
          .update(
              input -> {
                if (!decide.test(Optional.of(input.getDescription()))) {
                  outcome.set(Outcome.UP_TO_DATE);
                  return null;
                }
                long current = versionOf(input.getDescription());
                if (current > desired.version() && current <= dbVersion.getAsLong()) {
                  outcome.set(Outcome.NEWER_KEPT);
                  return null;
                }
                acquire(1); // update
                outcome.set(Outcome.UPDATED);
                return new ScheduleUpdate(desired.toSchedule(), desired.searchAttributes());
              });
      return outcome.get();
    } catch (RuntimeException e) {
      if (!isNotFound(e)) {
        throw e;
      }
    }
    if (!decide.test(Optional.empty())) {
      return Outcome.ABSENT;
    }
    try {
      return create(desired, live);
    } catch (ScheduleAlreadyRunningException raced) {
      return repairIf(desired, d -> true, dbVersion, live); // created by hand between the describe and the create
    }
  }

  /**
   * Lists Schedules matching a visibility query (eventually consistent), page by page under the same
   * rate budget: one permit per page fetched. A page Temporal throttles (RESOURCE_EXHAUSTED) is asked for again,
   * backing off, for up to {@link #LIST_THROTTLE_BUDGET}: the listing starts over and skips the Schedules it has
   * already returned. Once the budget is spent the refusal is thrown.
   */
  public Stream<ScheduleListDescription> list(String query, int pageSize) {
    ThrottleRetryingListing listing = new ThrottleRetryingListing(() -> listOnce(query, pageSize));
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(listing::close);
  }

  private Stream<ScheduleListDescription> listOnce(String query, int pageSize) {
    AtomicLong seen = new AtomicLong();
    acquire(1);
    return client.listSchedules(query, pageSize)
        .peek(d -> {
          if (seen.incrementAndGet() % pageSize == 0) {
            acquire(1); // the stream fetches the next page after this one
          }
        });
  }

  /** The Schedules of a listing, started over (skipping those already returned) when Temporal throttles a page. */
  private static final class ThrottleRetryingListing implements Iterator<ScheduleListDescription> {
    private final Supplier<Stream<ScheduleListDescription>> open;
    private final Set<String> returned = new HashSet<>();
    private Stream<ScheduleListDescription> stream;
    private Iterator<ScheduleListDescription> it;
    private ScheduleListDescription next;
    private Long throttledSince; // System.nanoTime() of the first refusal; null while none
    private int refusals;

    ThrottleRetryingListing(Supplier<Stream<ScheduleListDescription>> open) {
      this.open = open;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        try {
          if (it == null) {
            stream = open.get();
            it = stream.iterator();
          }
          if (!it.hasNext()) {
            return false;
          }
          ScheduleListDescription d = it.next();
          if (returned.add(d.getScheduleId())) {
            next = d;
          }
        } catch (RuntimeException e) {
          close();
          if (TemporalFailures.classify(e) != TemporalFailures.Kind.THROTTLED) {
            throw e;
          }
          long now = System.nanoTime();
          if (throttledSince == null) {
            throttledSince = now;
          }
          long backoffMs = Math.min(500, 100L << Math.min(refusals++, 3));
          if (now + TimeUnit.MILLISECONDS.toNanos(backoffMs) - throttledSince > LIST_THROTTLE_BUDGET.toNanos()) {
            throw e;
          }
          try {
            Thread.sleep(backoffMs);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
      return true;
    }

    @Override
    public ScheduleListDescription next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ScheduleListDescription d = next;
      next = null;
      return d;
    }

    void close() {
      if (stream != null) {
        stream.close();
      }
      stream = null;
      it = null;
    }
  }

  public Outcome delete(String scheduleId) {
    try {
      acquire(1);
      handle(scheduleId).delete();
      return Outcome.DELETED;
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return Outcome.ABSENT;
      }
      throw e;
    }
  }

  public Optional<ScheduleDescription> describe(String scheduleId) {
    try {
      acquire(1);
      return Optional.of(handle(scheduleId).describe());
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Starts a sync now, whatever the Schedule's interval or paused state. */
  public void trigger(String scheduleId) {
    acquire(1);
    handle(scheduleId).trigger();
  }

  /**
   * The config version a Schedule carries; 0 when it carries none (made by hand, or by an old build).
   * It is stamped twice: on the Schedule's search attributes (for list queries) and on the action's
   * (for the runs it starts). The server applies an update's search attributes asynchronously, so a
   * describe right after an update can still show the old ones; the action is part of the Schedule
   * itself and is current. The larger of the two is the version actually written.
   */
  public static long versionOf(ScheduleDescription description) {
    long onSchedule = orZero(description.getTypedSearchAttributes().get(Names.CONFIG_VERSION));
    long onAction = 0;
    if (description.getSchedule().getAction() instanceof ScheduleActionStartWorkflow start
        && start.getOptions() != null
        && start.getOptions().getTypedSearchAttributes() != null) {
      onAction = orZero(start.getOptions().getTypedSearchAttributes().get(Names.CONFIG_VERSION));
    }
    return Math.max(onSchedule, onAction);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  public static boolean isNotFound(Throwable e) {
    return TemporalFailures.isNotFound(e);
  }

  private ScheduleHandle handle(String scheduleId) {
    return client.getHandle(scheduleId);
  }

  private void acquire(int permits) {
    if (budget != null) {
      budget.acquire(permits);
    }
  }
}
