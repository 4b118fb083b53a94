package dev.syncplane.core;

/** A change the database refused; nothing was written. */
public class ChangeRefused extends RuntimeException {
  public enum Reason {
    NOT_FOUND,
    VERSION_MISMATCH,
    IDEMPOTENCY_KEY_REUSED
  }

  private final Reason reason;

  public ChangeRefused(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
