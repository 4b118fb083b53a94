package dev.syncplane.core.connector;

/** Syncs one connection's data from a provider. Implement this for a real provider. */
public interface Connector {
  /** The provider this connector serves, as named in an Integration's {@code provider}. */
  String provider();

  /** Runs one sync and returns how many records it moved; throws when the sync failed. */
  SyncResult sync(SyncContext context) throws Exception;
}
