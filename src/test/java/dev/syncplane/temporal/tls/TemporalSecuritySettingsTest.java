package dev.syncplane.temporal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.health.HealthCheck;
import dev.syncplane.health.TemporalHealthCheck;
import dev.syncplane.support.TestCertificates;
import dev.syncplane.support.TestCertificates.Leaf;
import dev.syncplane.temporal.TemporalFactory;
import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The start-up checks of temporal.tls and temporal.apiKey, certificate reloading, and the API key on the wire:
 * a local TLS gRPC server stands in for Temporal Cloud's frontend, records the headers of every call, and
 * refuses a revoked key as Cloud does (UNAUTHENTICATED).
 */
class TemporalSecuritySettingsTest {
  private static final Path DIR = Path.of("target/temporal-security-settings").toAbsolutePath();
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static Path ca;
  private static Leaf server;
  private static Leaf client;
  private static Leaf other;
  private static Server frontend;
  private static final List<String> seenAuthorization = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void certificatesAndAFakeFrontend() throws Exception {
    TestCertificates certs = new TestCertificates(DIR);
    ca = certs.ca("ca");
    server = certs.leaf("server", "ca", "-1d", 10);
    client = certs.leaf("client", "ca", "-1d", 10);
    other = certs.leaf("other", "ca", "-1d", 10);
    frontend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.forServer(server.cert().toFile(), server.key().toFile()).build())
        .fallbackHandlerRegistry(new RecordingRegistry())
        .build()
        .start();
  }

  @AfterAll
  static void stop() {
    if (frontend != null) {
      frontend.shutdownNow();
    }
  }

  private static TemporalFactory factory() {
    TemporalFactory factory = new TemporalFactory();
    factory.target = "127.0.0.1:" + frontend.getPort();
    return factory;
  }

  @Test
  void aKeyWithoutCertificateFailsStartNamingTheSetting() {
    TemporalFactory factory = factory();
    factory.tls.key = client.key().toString();
    assertThatThrownBy(factory::buildStubs).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temporal.tls.key (SYNCPLANE_TEMPORAL_TLS_KEY) is set but temporal.tls.cert");
  }

  @Test
  void anUnreadableFileFailsStartNamingTheSetting() {
    TemporalFactory factory = factory();
    factory.tls.cert = client.cert().toString();
    factory.tls.key = client.key().toString();
    factory.tls.ca = DIR.resolve("missing-ca.pem").toString();
    assertThatThrownBy(factory::buildStubs).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temporal.tls.ca (SYNCPLANE_TEMPORAL_TLS_CA): cannot read").hasMessageContaining("missing-ca.pem");
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsStart() {
    TemporalFactory factory = factory();
    factory.tls.cert = client.cert().toString();
    factory.tls.key = other.key().toString();
    assertThatThrownBy(factory::buildStubs).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the private key of the certificate");
  }

  @Test
  void anApiKeyWithoutTlsFailsStart() {
    TemporalFactory factory = factory();
    factory.apiKey = "some-key";
    assertThatThrownBy(factory::buildStubs).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temporal.apiKey (SYNCPLANE_TEMPORAL_API_KEY) is set but TLS is off");
  }

  @Test
  void theApiKeyReachesTheServerAsABearerHeaderAndARevokedOneTurnsTheHealthCheckRed() {
    TemporalFactory factory = factory();
    factory.tls.ca = ca.toString();
    factory.tls.serverName = "localhost";
    factory.apiKey = "revoked-key";
    WorkflowServiceStubs stubs = factory.buildStubs();
    try {
      HealthCheck.Result result = new TemporalHealthCheck(stubs, "default", factory.tlsCredentials()).execute();
      System.out.println("revoked API key: " + result.getMessage());
      assertThat(seenAuthorization).contains("Bearer revoked-key");
      assertThat(result.isHealthy()).isFalse();
      assertThat(result.getMessage()).contains("UNAUTHENTICATED").contains("temporal.apiKey");
    } finally {
      stubs.shutdownNow();
      factory.close();
    }
  }

  @Test
  void aWrongServerNameIsNamed() {
    TemporalFactory factory = factory();
    factory.tls.ca = ca.toString();
    factory.tls.serverName = "wrong.example";
    WorkflowServiceStubs stubs = factory.buildStubs();
    try {
      HealthCheck.Result result = new TemporalHealthCheck(stubs, "default", factory.tlsCredentials()).execute();
      System.out.println("wrong server name: " + result.getMessage());
      assertThat(result.isHealthy()).isFalse();
      assertThat(result.getMessage()).contains("TLS failed").contains("temporal.tls.serverName");
    } finally {
      stubs.shutdownNow();
      factory.close();
    }
  }

  @Test
  void aReplacedCertificateIsLoadedAndABrokenOneIsNot() throws IOException {
    Path live = Files.createDirectories(DIR.resolve("live"));
    Files.copy(client.cert(), live.resolve("c.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(client.key(), live.resolve("c.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    TemporalTls tls = new TemporalTls();
    tls.cert = live.resolve("c.pem").toString();
    tls.key = live.resolve("c.key").toString();
    tls.refreshInterval = io.dropwizard.util.Duration.hours(1); // reload() by hand below
    try (TlsCredentials credentials = TlsCredentials.open(tls)) {
      var first = credentials.certificate().getSerialNumber();
      Files.writeString(live.resolve("c.pem"), "not a certificate");
      credentials.reload();
      assertThat(credentials.certificate().getSerialNumber()).isEqualTo(first);
      assertThat(credentials.problems()).singleElement().asString().contains("temporal.tls.cert").contains("previous");
      Files.copy(other.cert(), live.resolve("c.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      credentials.reload(); // the key does not match yet: still the first
      assertThat(credentials.certificate().getSerialNumber()).isEqualTo(first);
      Files.copy(other.key(), live.resolve("c.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      credentials.reload();
      assertThat(credentials.certificate().getSerialNumber()).isNotEqualTo(first);
      assertThat(credentials.problems()).isEmpty();
    }
  }

  /** Answers every method: records the authorization header, refuses with UNAUTHENTICATED. */
  private static final class RecordingRegistry extends HandlerRegistry {
    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      MethodDescriptor<InputStream, InputStream> method = MethodDescriptor.<InputStream, InputStream>newBuilder()
          .setType(MethodDescriptor.MethodType.UNKNOWN)
          .setFullMethodName(methodName)
          .setRequestMarshaller(Bytes.INSTANCE)
          .setResponseMarshaller(Bytes.INSTANCE)
          .build();
      ServerCallHandler<InputStream, InputStream> handler = new ServerCallHandler<>() {
        @Override
        public ServerCall.Listener<InputStream> startCall(ServerCall<InputStream, InputStream> call, Metadata headers) {
          String authorization = headers.get(AUTHORIZATION);
          seenAuthorization.add(String.valueOf(authorization));
          call.close(Status.UNAUTHENTICATED.withDescription("API key revoked"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
      };
      return ServerMethodDefinition.create(method, handler);
    }
  }

  private enum Bytes implements MethodDescriptor.Marshaller<InputStream> {
    INSTANCE;

    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      try {
        return new ByteArrayInputStream(stream.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
