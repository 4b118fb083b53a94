package dev.syncplane.core;

public enum IntegrationState {
  ACTIVE,
  /** A delete was accepted; its workflow is removing the Schedules and rows. */
  DELETING
}
