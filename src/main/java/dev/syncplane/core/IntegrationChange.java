package dev.syncplane.core;

/**
 * A change to an Integration's settings. A null field is left as it is, so a PUT sets every field and a
 * merge patch only those it names. Applied to the row read inside the committing transaction.
 */
public record IntegrationChange(String name, Long periodMs, Boolean syncEnabled) {

  public Integration applyTo(Integration current) {
    return new Integration(
        current.id(),
        current.provider(),
        name != null ? name : current.name(),
        periodMs != null ? periodMs : current.periodMs(),
        syncEnabled != null ? syncEnabled : current.syncEnabled(),
        current.version(),
        current.state(),
        current.createdAt(),
        current.updatedAt());
  }
}
