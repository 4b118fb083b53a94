package dev.syncplane.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with the JDK's own keytool (no extra library): a CA, and leaf certificates
 * it signs, as PEM files (certificate, PKCS#8 key) the way the Temporal CLI, the server and syncplane take them.
 * EC P-256 keys.
 */
public final class TestCertificates {
  private static final String PASSWORD = "changeit";
  private final Path dir;

  public TestCertificates(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A CA named {@code name}: {@code <name>.p12} (to sign with) and {@code <name>.pem} (to trust). */
  public Path ca(String name) {
    Path store = fresh(dir.resolve(name + ".p12"));
    keytool("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-startdate", "-1d", "-validity", "30");
    Path pem = fresh(dir.resolve(name + ".pem"));
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASSWORD,
        "-file", pem.toString());
    return pem;
  }

  /** A certificate and its key, {@code <name>.pem} and {@code <name>.key}. */
  public record Leaf(Path cert, Path key) {}

  /**
   * A certificate for {@code localhost} and 127.0.0.1, for server and client use, signed by {@code ca} (the
   * name given to {@link #ca}), valid from {@code start} (keytool's {@code -startdate}, e.g. {@code -1d},
   * {@code +2d}) for {@code days}.
   */
  public Leaf leaf(String name, String ca, String start, int days) {
    Path store = fresh(dir.resolve(name + ".p12"));
    keytool("-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-alias", "leaf", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name);
    Path csr = fresh(dir.resolve(name + ".csr"));
    keytool("-certreq", "-alias", "leaf", "-keystore", store.toString(), "-storepass", PASSWORD, "-file", csr.toString());
    Path cert = fresh(dir.resolve(name + ".pem"));
    keytool("-gencert", "-alias", "ca", "-keystore", dir.resolve(ca + ".p12").toString(), "-storepass", PASSWORD,
        "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-startdate", start, "-validity",
        Integer.toString(days), "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth,clientAuth",
        "-ext", "ku:c=digitalSignature,keyAgreement");
    Path key = dir.resolve(name + ".key");
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      PrivateKey pk = (PrivateKey) ks.getKey("leaf", PASSWORD.toCharArray());
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pk.getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      Files.writeString(key, pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return new Leaf(cert, key);
  }

  private static Path fresh(Path file) {
    try {
      Files.deleteIfExists(file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
