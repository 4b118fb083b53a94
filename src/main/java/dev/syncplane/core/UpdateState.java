package dev.syncplane.core;

public enum UpdateState {
  /** Accepted by the API, the database write has not committed yet (only ever seen from Temporal). */
  PENDING,
  /** The database holds the new version; its Schedules have not been touched yet. */
  COMMITTED,
  /** A fan-out pass is writing the version (or a newer one) to the Schedules. */
  PROPAGATING,
  /** Every Schedule carries this version or a newer one. */
  APPLIED,
  /** The integration and all its Schedules are gone (delete runs only). */
  DELETED
}
