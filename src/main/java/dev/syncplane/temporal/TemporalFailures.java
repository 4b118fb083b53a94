package dev.syncplane.temporal;

import com.google.common.base.Throwables;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import java.net.ConnectException;
import java.util.Optional;

/**
 * The one place that says what a failure of a Temporal call means: how its gRPC status is classified, and the
 * checks that depend on the text of Temporal's messages. Every caller (UpdateSender, ScheduleGateway, the
 * services' error answers) asks here, so they cannot disagree about which codes are transient.
 */
public final class TemporalFailures {
  private TemporalFailures() {}

  /** What a failed Temporal call means for whoever made it. */
  public enum Kind {
    /**
     * {@code RESOURCE_EXHAUSTED}: Temporal refused the call because a limit was reached (the namespace's rate
     * limit, too many updates in flight on one workflow, a full query buffer). Retrying later succeeds; the
     * call was not carried out. The API answers 429.
     */
    THROTTLED,
    /**
     * {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code CANCELLED}, or no connection at all: Temporal did
     * not answer. The API answers 503.
     */
    UNAVAILABLE,
    /** {@code INTERNAL} or {@code UNKNOWN}: Temporal failed inside the call, which may or may not have taken effect. */
    SERVER_ERROR,
    /** Anything else (a refusal, NOT_FOUND, an application failure, a bug). */
    OTHER
  }

  /** Classifies by the gRPC status nearest the top of the cause chain; a connection refused is UNAVAILABLE. */
  public static Kind classify(Throwable e) {
    Optional<Status.Code> code = status(e).map(Status::getCode);
    if (code.isEmpty()) {
      return find(e, ConnectException.class).isPresent() ? Kind.UNAVAILABLE : Kind.OTHER;
    }
    return switch (code.get()) {
      case RESOURCE_EXHAUSTED -> Kind.THROTTLED;
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> Kind.UNAVAILABLE;
      case INTERNAL, UNKNOWN -> Kind.SERVER_ERROR;
      default -> Kind.OTHER;
    };
  }

  /** THROTTLED or UNAVAILABLE: worth asking again, a little later, with the same request. */
  public static boolean isTransient(Throwable e) {
    Kind kind = classify(e);
    return kind == Kind.THROTTLED || kind == Kind.UNAVAILABLE;
  }

  /**
   * Whether the call certainly did not take effect: Temporal refused it for a limit (THROTTLED) or could not be
   * reached (UNAVAILABLE, except an aborted update). A call that timed out or was cancelled after it was sent
   * ({@code DEADLINE_EXCEEDED}, {@code CANCELLED}), failed inside the server, or was aborted may have.
   */
  public static boolean certainlyNotApplied(Throwable e) {
    Optional<Status.Code> code = status(e).map(Status::getCode);
    if (code.isEmpty()) {
      return find(e, ConnectException.class).isPresent();
    }
    return code.get() == Status.Code.RESOURCE_EXHAUSTED
        || (code.get() == Status.Code.UNAVAILABLE && !isUpdateAborted(e));
  }

  /** The gRPC status nearest the top of the cause chain. */
  public static Optional<Status> status(Throwable e) {
    return find(e, StatusRuntimeException.class).map(StatusRuntimeException::getStatus);
  }

  /** The first {@code type} in {@code e}'s cause chain, from the top. */
  public static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
    if (e == null) {
      return Optional.empty();
    }
    return Throwables.getCausalChain(e).stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** A gRPC {@code NOT_FOUND} anywhere in the chain, or the SDK's WorkflowNotFoundException. */
  public static boolean isNotFound(Throwable e) {
    return e != null
        && Throwables.getCausalChain(e).stream()
            .anyMatch(t -> t instanceof WorkflowNotFoundException
                || t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND);
  }

  /*
   * The checks below depend on the text of Temporal's messages, which no status code or exception type tells apart.
   * Keep every such match here.
   */

  /** Text of the UNAVAILABLE by which the server aborts an update whose speculative workflow task was lost. */
  static final String UPDATE_ABORTED = "update was aborted";
  /** Text of the failure of an update that reached a run just as it closed. */
  static final String EXECUTION_COMPLETED = "workflow execution already completed";

  /**
   * The server aborted the update before it was accepted: its speculative workflow task was lost (seen under
   * concurrent updates from server 1.32). The handler may have run, and committed, in the lost task.
   */
  public static boolean isUpdateAborted(Throwable e) {
    return status(e)
        .filter(s -> s.getCode() == Status.Code.UNAVAILABLE)
        .map(Status::getDescription)
        .map(d -> d.contains(UPDATE_ABORTED))
        .orElse(false);
  }

  /**
   * The workflow the call was meant for is not running: not found, or its run completed just as the call reached
   * it. For update-with-start, the next attempt starts or joins a new run.
   */
  public static boolean isWorkflowClosed(Throwable e) {
    return isNotFound(e)
        || e != null && Throwables.getCausalChain(e).stream()
            .anyMatch(t -> t.getMessage() != null && t.getMessage().contains(EXECUTION_COMPLETED));
  }
}
