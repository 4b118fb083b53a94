package dev.syncplane.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.syncplane.core.SyncRun;

/** One sync run of a connection (its fields, unwrapped); {@code temporalUiUrl} opens that run in the Temporal UI. */
public record SyncRunView(@JsonUnwrapped SyncRun run, String temporalUiUrl) {

  public static SyncRunView of(SyncRun r, String temporalUiUrl) {
    return new SyncRunView(r, temporalUiUrl);
  }
}
