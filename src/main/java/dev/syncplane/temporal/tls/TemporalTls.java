package dev.syncplane.temporal.tls;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;

/**
 * TLS to the Temporal frontend, as the Temporal CLI takes it: PEM files for the client certificate
 * ({@code --tls-cert-path}), its PKCS#8 private key ({@code --tls-key-path}) and the CA bundle that signed the
 * server's certificate ({@code --tls-ca-path}; empty: the JVM's trusted CAs), and a server name override
 * ({@code --tls-server-name}). Off by default (the plaintext dev server). Setting any file or the server name
 * turns it on; {@link #enabled} turns it on with none of them (Temporal Cloud with an API key). The files are
 * read again every {@link #refreshInterval} when they changed, so replacing them needs no restart.
 */
public class TemporalTls {
  /** TLS with the JVM's trusted CAs and no client certificate, unless the settings below say more. */
  @JsonProperty public boolean enabled = false;

  /** The client certificate (chain), PEM. */
  @JsonProperty public String cert;

  /** The client certificate's private key, PEM, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). */
  @JsonProperty public String key;

  /** The CA certificates to trust for the server's certificate, PEM; empty: the JVM's default trust store. */
  @JsonProperty public String ca;

  /** The name the server's certificate must carry, when it is not the host of {@code temporal.target}. */
  @JsonProperty public String serverName;

  /** How often the files are checked for changes. */
  @NotNull @JsonProperty
  public io.dropwizard.util.Duration refreshInterval = io.dropwizard.util.Duration.seconds(30);

  @JsonIgnore
  public boolean active() {
    return enabled || set(cert) || set(key) || set(ca) || set(serverName);
  }

  static boolean set(String value) {
    return value != null && !value.isBlank();
  }
}
