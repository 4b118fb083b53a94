package dev.syncplane.temporal.update;

/** A fan-out pass in progress: where it stands, so that it can resume after continue-as-new. */
public record PassState(long version, int total, String cursor, int applied) {

  PassState advance(BatchResult batch) {
    return new PassState(
        version, total, batch.lastConnectionId() != null ? batch.lastConnectionId() : cursor, applied + batch.processed());
  }
}
