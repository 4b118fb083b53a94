package dev.syncplane.auth;

import io.dropwizard.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Accepts exactly the configured bearer token, compared in constant time. */
public class TokenAuthenticator implements Authenticator<String, ApiClient> {
  private final byte[] token;

  public TokenAuthenticator(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Optional<ApiClient> authenticate(String presented) {
    boolean ok = MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    return ok ? Optional.of(new ApiClient("portal")) : Optional.empty();
  }
}
