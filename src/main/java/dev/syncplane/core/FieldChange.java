package dev.syncplane.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One setting a commit changed, with its value before and after (as text, for people to read). */
public record FieldChange(String field, String from, String to) {

  /** The settings that differ between two versions of an integration, in a fixed order. */
  public static List<FieldChange> between(Integration before, Integration after) {
    List<FieldChange> changes = new ArrayList<>(3);
    add(changes, "name", before.name(), after.name());
    add(changes, "periodMs", before.periodMs(), after.periodMs());
    add(changes, "syncEnabled", before.syncEnabled(), after.syncEnabled());
    return changes;
  }

  private static void add(List<FieldChange> changes, String field, Object from, Object to) {
    if (!Objects.equals(from, to)) {
      changes.add(new FieldChange(field, String.valueOf(from), String.valueOf(to)));
    }
  }

  @Override
  public String toString() {
    return field + " " + from + " → " + to;
  }
}
