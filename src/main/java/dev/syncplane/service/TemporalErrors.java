package dev.syncplane.service;

import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.temporal.TemporalFailures;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's answer to a Temporal call that failed, by what the call was: a read (which never speaks of writes), a
 * change sent as an update (which says "nothing was written" only when that is certain), or another action
 * (a sync now, a drift repair now). A failure that is not Temporal's (per {@link TemporalFailures}) is returned
 * as it is.
 */
public final class TemporalErrors {
  private static final Logger LOG = LoggerFactory.getLogger(TemporalErrors.class);

  /** Retry-After of a 503: Temporal is down or failing. */
  public static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
  /** Retry-After of a 429: Temporal's limits recover within a second or two. */
  public static final int THROTTLED_RETRY_AFTER_SECONDS = 2;

  static final String READ_THROTTLED =
      "Temporal is rate limiting this service's requests. Retry after the Retry-After delay.";
  static final String READ_UNAVAILABLE = "Temporal did not answer. Retry shortly.";
  static final String READ_FAILED = "Temporal failed the call. Retry shortly.";

  static final String CHANGE_THROTTLED =
      "Temporal is rate limiting requests and refused the change; nothing was written. Retry the same request"
          + " (with the same Idempotency-Key) after the Retry-After delay.";
  static final String CHANGE_UNAVAILABLE =
      "Temporal did not answer; nothing was written. Retry the same request (with the same Idempotency-Key).";
  static final String CHANGE_MAY_HAVE_BEEN_WRITTEN =
      "Temporal did not confirm the change (it timed out, failed or aborted it after it was sent), so it may have"
          + " been written: GET the integration to see. A request sent with an Idempotency-Key can be retried with"
          + " the same key; it applies once.";
  static final String CHANGE_THROTTLED_MAY_HAVE_BEEN_WRITTEN =
      "Temporal is rate limiting requests, and an earlier attempt of this change was aborted after it was sent, so"
          + " it may have been written: GET the integration to see. A request sent with an Idempotency-Key can be"
          + " retried with the same key after the Retry-After delay; it applies once.";

  static final String ACTION_THROTTLED =
      "Temporal is rate limiting requests and refused this one; it did not take effect. Retry after the Retry-After"
          + " delay.";
  static final String ACTION_UNAVAILABLE = "Temporal did not answer; the request did not take effect. Retry shortly.";
  static final String ACTION_UNCERTAIN =
      "Temporal did not confirm the request (it timed out or failed after it was sent), so it may have taken effect."
          + " Look before retrying.";

  private TemporalErrors() {}

  /** For a call that only reads. */
  public static RuntimeException forRead(RuntimeException e) {
    return switch (TemporalFailures.classify(e)) {
      case THROTTLED -> throttled(e, READ_THROTTLED);
      case UNAVAILABLE -> unavailable(e, READ_UNAVAILABLE);
      case SERVER_ERROR -> unavailable(e, READ_FAILED);
      case OTHER -> e;
    };
  }

  /**
   * For a change sent as an update.
   *
   * @param earlierAttemptMayHaveApplied an earlier attempt of the same update was aborted by Temporal after it
   *     was sent, so its handler may have run and committed
   */
  public static RuntimeException forChange(RuntimeException e, boolean earlierAttemptMayHaveApplied) {
    TemporalFailures.Kind kind = TemporalFailures.classify(e);
    if (kind == TemporalFailures.Kind.OTHER) {
      return e;
    }
    boolean certain = !earlierAttemptMayHaveApplied && TemporalFailures.certainlyNotApplied(e);
    if (kind == TemporalFailures.Kind.THROTTLED) {
      return throttled(e, certain ? CHANGE_THROTTLED : CHANGE_THROTTLED_MAY_HAVE_BEEN_WRITTEN);
    }
    return unavailable(e, certain ? CHANGE_UNAVAILABLE : CHANGE_MAY_HAVE_BEEN_WRITTEN);
  }

  /** For a request that is neither a read nor a change of config: a sync now, a drift repair now. */
  public static RuntimeException forAction(RuntimeException e) {
    TemporalFailures.Kind kind = TemporalFailures.classify(e);
    return switch (kind) {
      case THROTTLED -> throttled(e, ACTION_THROTTLED);
      case UNAVAILABLE, SERVER_ERROR ->
          unavailable(e, TemporalFailures.certainlyNotApplied(e) ? ACTION_UNAVAILABLE : ACTION_UNCERTAIN);
      case OTHER -> e;
    };
  }

  private static ApiException throttled(RuntimeException e, String detail) {
    LOG.warn("answering 429: Temporal said {}", TemporalFailures.status(e).orElse(null));
    return new ApiException(ErrorCode.TEMPORAL_THROTTLED, detail, List.of(), THROTTLED_RETRY_AFTER_SECONDS);
  }

  private static ApiException unavailable(RuntimeException e, String detail) {
    LOG.warn("answering 503: Temporal said {}", TemporalFailures.status(e).map(Object::toString).orElse(e.toString()));
    return new ApiException(ErrorCode.TEMPORAL_UNAVAILABLE, detail, List.of(), UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
}
