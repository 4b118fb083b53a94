package dev.syncplane.temporal.drift;

import java.util.Arrays;
import java.util.Locale;

/**
 * How an on-demand drift-repair run finds what to check: {@code deep} describes every Schedule (the only
 * way to see the action's arguments, workflow id and task queue); {@code list} describes only the
 * Schedules the Schedule list shows as drifted, missing or orphaned.
 */
public enum ScanMode {
  DEEP,
  LIST;

  /** The value as callers write it: {@code deep}, {@code list}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code deep} or {@code list}; null or empty means {@code deep}. */
  public static ScanMode parse(String value) {
    if (value == null || value.isEmpty()) {
      return DEEP;
    }
    for (ScanMode mode : values()) {
      if (mode.value().equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("scan must be one of " + Arrays.stream(values()).map(ScanMode::value).toList()
        + "; got " + (value.length() > 40 ? value.substring(0, 40) + "…" : value));
  }
}
