package dev.syncplane.api;

import java.util.List;

/** One page of a list; pass {@code nextCursor} as {@code after} to get the next one (null: last page). */
public record Page<T>(List<T> items, String nextCursor) {}
