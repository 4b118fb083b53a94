package dev.syncplane.auth;

import java.security.Principal;

/** Whoever presented the API token (the portal). */
public record ApiClient(String name) implements Principal {
  @Override
  public String getName() {
    return name;
  }
}
