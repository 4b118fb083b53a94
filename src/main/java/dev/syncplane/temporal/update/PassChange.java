package dev.syncplane.temporal.update;

import dev.syncplane.core.FieldChange;
import java.util.List;

/** One committed change a pass carries: its version, its update run, and the settings it changed. */
public record PassChange(long version, String updateId, List<FieldChange> fields) {}
