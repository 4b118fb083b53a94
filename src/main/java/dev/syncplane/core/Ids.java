package dev.syncplane.core;

import java.util.regex.Pattern;

/**
 * What an id supplied from outside may look like. Ids end up in workflow and Schedule ids, search
 * attributes and URLs, so they are kept to a small, safe alphabet; ':' is reserved as the separator.
 */
public final class Ids {
  public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && COMPILED.matcher(id).matches();
  }
}
