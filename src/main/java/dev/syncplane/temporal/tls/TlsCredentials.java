package dev.syncplane.temporal.tls;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS material of {@link TemporalTls}, loaded into gRPC's reloadable key and trust managers
 * ({@link AdvancedTlsX509KeyManager}, {@link AdvancedTlsX509TrustManager}), which every new connection asks for
 * the current certificate. A daemon thread checks the files every refresh interval; a changed file is parsed
 * and checked (certificate and key belong together, dates) before it replaces the one in use, and every load or
 * refusal is logged. A bad file on disk never takes the service down: the previous material stays in use.
 *
 * <p>At start ({@link #open}), a missing, unreadable or unparseable file, or a key without its certificate, is
 * an error naming the setting. A certificate outside its validity dates is not: it is logged, and the
 * {@code temporal} health check names it ({@link #problems()}), until a valid one replaces it.
 */
public final class TlsCredentials implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsCredentials.class);

  static final String CERT = "temporal.tls.cert (SYNCPLANE_TEMPORAL_TLS_CERT)";
  static final String KEY = "temporal.tls.key (SYNCPLANE_TEMPORAL_TLS_KEY)";
  static final String CA = "temporal.tls.ca (SYNCPLANE_TEMPORAL_TLS_CA)";

  private final Path certFile;
  private final Path keyFile;
  private final Path caFile;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;
  private final SslContext sslContext;
  private final ScheduledExecutorService reloader;
  private volatile Stamp identityStamp;
  private volatile Stamp caStamp;
  private volatile X509Certificate[] chain;
  private volatile String reloadProblem;
  private volatile Throwable lastFailure;
  private volatile Instant lastFailureAt = Instant.MIN;

  /** Validates and loads the files of {@code tls}; throws {@link IllegalArgumentException} naming the setting. */
  public static TlsCredentials open(TemporalTls tls) {
    boolean hasCert = TemporalTls.set(tls.cert);
    boolean hasKey = TemporalTls.set(tls.key);
    if (hasKey && !hasCert) {
      throw new IllegalArgumentException(KEY + " is set but " + CERT + " is not: a client certificate needs both");
    }
    if (hasCert && !hasKey) {
      throw new IllegalArgumentException(CERT + " is set but " + KEY + " is not: a client certificate needs both");
    }
    return new TlsCredentials(
        hasCert ? Path.of(tls.cert.trim()) : null,
        hasKey ? Path.of(tls.key.trim()) : null,
        TemporalTls.set(tls.ca) ? Path.of(tls.ca.trim()) : null,
        tls.refreshInterval.toMilliseconds());
  }

  private TlsCredentials(Path certFile, Path keyFile, Path caFile, long refreshMs) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.caFile = caFile;
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient();
      if (certFile != null) {
        keyManager = new AdvancedTlsX509KeyManager();
        Identity identity = readIdentity();
        keyManager.updateIdentityCredentials(identity.chain(), identity.key());
        chain = identity.chain();
        identityStamp = Stamp.of(certFile, keyFile);
        logLoaded(identity.chain());
        builder.keyManager(keyManager);
      } else {
        keyManager = null;
      }
      if (caFile != null) {
        trustManager = AdvancedTlsX509TrustManager.newBuilder()
            .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
            .build();
        trustManager.updateTrustCredentials(readCa());
        caStamp = Stamp.of(caFile);
        builder.trustManager(trustManager);
      } else {
        trustManager = null;
      }
      sslContext = builder.build();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("temporal.tls: cannot build the TLS context: " + e.getMessage(), e);
    }
    if ((certFile != null || caFile != null) && refreshMs > 0) {
      reloader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "temporal-tls-reload");
        t.setDaemon(true);
        return t;
      });
      reloader.scheduleWithFixedDelay(this::reload, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
    } else {
      reloader = null;
    }
  }

  public SslContext sslContext() {
    return sslContext;
  }

  /** The client certificate in use, or null without one. */
  public X509Certificate certificate() {
    X509Certificate[] current = chain;
    return current == null || current.length == 0 ? null : current[0];
  }

  /**
   * What is wrong with the material in use right now, for the health check: a certificate outside its
   * validity dates, a changed file that could not be loaded. Empty when nothing is.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    String dates = dateProblem(certificate(), Instant.now());
    if (dates != null) {
      problems.add(dates);
    }
    String reload = reloadProblem;
    if (reload != null) {
      problems.add(reload);
    }
    return problems;
  }

  /**
   * Remembers the last failed call that carried its cause: gRPC gives the cause (the TLS error) to the calls
   * that tried to connect, and only "UNAVAILABLE: io exception" to those that found the channel already failing,
   * such as a health check between two reconnects.
   */
  public ClientInterceptor failureRecorder() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                if (!status.isOk() && status.getCause() != null) {
                  lastFailure = status.asRuntimeException();
                  lastFailureAt = Instant.now();
                }
                super.onClose(status, trailers);
              }
            }, headers);
          }
        };
      }
    };
  }

  /** The last failure with a cause ({@link #failureRecorder()}) if it is younger than {@code maxAge}, else null. */
  public Throwable recentFailure(java.time.Duration maxAge) {
    return lastFailureAt.isAfter(Instant.now().minus(maxAge)) ? lastFailure : null;
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }

  /** Checks the files; loads what changed. Package-private so a test can run it without waiting. */
  synchronized void reload() {
    List<String> failures = new ArrayList<>();
    if (certFile != null) {
      Stamp now = Stamp.of(certFile, keyFile);
      if (!now.equals(identityStamp)) {
        try {
          Identity identity = readIdentity();
          keyManager.updateIdentityCredentials(identity.chain(), identity.key());
          chain = identity.chain();
          identityStamp = now;
          logLoaded(identity.chain());
        } catch (IllegalArgumentException e) {
          failures.add(e.getMessage() + "; still using the previous certificate");
        }
      }
    }
    if (caFile != null) {
      Stamp now = Stamp.of(caFile);
      if (!now.equals(caStamp)) {
        try {
          trustManager.updateTrustCredentials(readCa());
          caStamp = now;
          LOG.info("temporal.tls: reloaded the CA bundle {}", caFile);
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
          failures.add(e.getMessage() + "; still using the previous CA bundle");
        }
      }
    }
    String problem = failures.isEmpty() ? null : String.join("; ", failures);
    if (problem != null && !problem.equals(reloadProblem)) {
      LOG.error("temporal.tls: cannot reload: {}", problem);
    }
    reloadProblem = problem;
  }

  private record Identity(X509Certificate[] chain, PrivateKey key) {}

  private Identity readIdentity() {
    X509Certificate[] certs = readCertificates(CERT, certFile);
    PrivateKey key;
    byte[] pem = read(KEY, keyFile);
    try {
      key = CertificateUtils.getPrivateKey(new ByteArrayInputStream(pem));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String text = new String(pem, StandardCharsets.US_ASCII);
      String hint = text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")
          ? " (a PKCS#1/SEC1 key: convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem`)"
          : text.contains("ENCRYPTED") ? " (an encrypted key: syncplane needs it unencrypted)" : "";
      throw new IllegalArgumentException(KEY + ": " + keyFile + " holds no unencrypted PKCS#8 PEM private key"
          + " (-----BEGIN PRIVATE KEY-----)" + hint + ": " + e, e);
    }
    if (!belongTogether(certs[0], key)) {
      throw new IllegalArgumentException(KEY + ": " + keyFile + " is not the private key of the certificate in "
          + certFile + " (" + CERT + ")");
    }
    return new Identity(certs, key);
  }

  private X509Certificate[] readCa() {
    return readCertificates(CA, caFile);
  }

  private static X509Certificate[] readCertificates(String setting, Path file) {
    byte[] pem = read(setting, file);
    X509Certificate[] certs;
    try {
      certs = CertificateUtils.getX509Certificates(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(setting + ": " + file + " holds no PEM certificate: " + e, e);
    }
    if (certs.length == 0) {
      throw new IllegalArgumentException(setting + ": " + file + " holds no PEM certificate");
    }
    return certs;
  }

  private static byte[] read(String setting, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + file + " (" + e + ")", e);
    }
  }

  /** Signs with the key and verifies with the certificate's public key. */
  private static boolean belongTogether(X509Certificate cert, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // not checked here; the TLS handshake will say
    }
    try {
      byte[] probe = "syncplane".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private void logLoaded(X509Certificate[] certs) {
    X509Certificate cert = certs[0];
    LOG.info("temporal.tls: client certificate loaded from {}: subject {}, issuer {}, serial {}, valid {} to {}",
        certFile, cert.getSubjectX500Principal().getName(), cert.getIssuerX500Principal().getName(),
        cert.getSerialNumber().toString(16), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    String dates = dateProblem(cert, Instant.now());
    if (dates != null) {
      LOG.error("temporal.tls: {}; Temporal will refuse it: replace the files (no restart needed)", dates);
    }
  }

  /** "…expired at…" or "…not valid before…", or null when the certificate is within its dates (or absent). */
  String dateProblem(X509Certificate cert, Instant now) {
    if (cert == null) {
      return null;
    }
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant notBefore = cert.getNotBefore().toInstant();
    if (now.isAfter(notAfter)) {
      return "the client certificate " + certFile + " (" + CERT + ") expired at " + notAfter;
    }
    if (now.isBefore(notBefore)) {
      return "the client certificate " + certFile + " (" + CERT + ") is not valid before " + notBefore;
    }
    return null;
  }

  /** What the files held when they were read (a digest of their bytes): a change is a reason to load them again. */
  private record Stamp(String digest) {
    static Stamp of(Path... files) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Path file : files) {
          try {
            sha.update(Files.readAllBytes(file));
          } catch (IOException e) {
            sha.update(("unreadable " + e).getBytes(StandardCharsets.UTF_8));
          }
          sha.update((byte) 0);
        }
        return new Stamp(HexFormat.of().formatHex(sha.digest()));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
