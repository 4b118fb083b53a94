package dev.syncplane.core;

import java.util.List;

/**
 * The outcome of committing a change: the integration as written, the update run that names it, and the settings
 * it changed ({@code changes}: empty for a replayed commit, whose earlier answer is all there is).
 */
public record Commit(Integration integration, UpdateRun update, boolean replayed, List<FieldChange> changes) {

  public Commit {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }
}
