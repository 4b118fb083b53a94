package dev.syncplane.temporal.schedules;

/** One way a Schedule can differ from what the DB says it must be. */
public enum DriftKind {
  /** Its interval (spec) is not {@code periodMs}. */
  INTERVAL,
  /** Paused while the integration syncs, or running while it should not. */
  PAUSED,
  /** Its action starts another workflow type, with other arguments, id or task queue. */
  ACTION,
  /** Its {@code ConfigVersion} is missing, older than the DB's (and no update is propagating), or forged higher. */
  VERSION,
  /**
   * The Schedule's own search attributes ({@code IntegrationId}, {@code CustomerId}, {@code ConfigVersion}) are
   * missing or wrong, whatever its action carries: visibility queries by integration no longer find it.
   */
  ATTRIBUTES,
  /** A connection without a Schedule. */
  MISSING,
  /** A Schedule of ours (our id scheme and our {@code IntegrationId}) whose connection no longer exists. */
  ORPHAN
}
