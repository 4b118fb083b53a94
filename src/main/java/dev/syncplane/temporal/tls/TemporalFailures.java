package dev.syncplane.temporal.tls;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Says in words why a call to Temporal failed, naming the setting to look at where the cause is known. */
public final class TemporalFailures {
  private TemporalFailures() {}

  public static String explain(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    String description = status.getDescription() == null ? null : status.getDescription().lines().findFirst().orElse("");
    String call = status.getCode() + (description == null ? "" : ": " + description); // not Netty's pipeline dump
    if (status.getCode() == Status.Code.UNAUTHENTICATED || status.getCode() == Status.Code.PERMISSION_DENIED) {
      return call + " (Temporal refused the credentials: check temporal.apiKey (SYNCPLANE_TEMPORAL_API_KEY), or"
          + " the client certificate temporal.tls.cert, and their access to the namespace)";
    }
    SSLException ssl = find(failure, SSLException.class);
    if (ssl != null) {
      StringBuilder messages = new StringBuilder();
      Throwable innermost = ssl;
      for (Throwable t = ssl; t != null; t = t.getCause() == t ? null : t.getCause()) {
        messages.append(' ').append(t.getMessage());
        innermost = t;
      }
      String detail = innermost == ssl ? ssl.getMessage() : ssl.getMessage() + ": " + innermost.getMessage();
      return call + ": TLS failed: " + detail + hint(messages.toString());
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != failure && !(root instanceof StatusRuntimeException)) {
      return call + " (" + root + ")";
    }
    return failure instanceof StatusRuntimeException ? call : String.valueOf(failure.getMessage());
  }

  private static String hint(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (m.contains("subject alternative") || m.contains("no name matching") || m.contains("hostname")) {
      return " (the server's certificate does not carry the name syncplane expects: check temporal.target and"
          + " temporal.tls.serverName (SYNCPLANE_TEMPORAL_TLS_SERVER_NAME))";
    }
    if (m.contains("pkix") || m.contains("unable to find valid certification path") || m.contains("certificate_unknown")
        && !m.contains("alert")) {
      return " (the server's certificate is not signed by a CA in temporal.tls.ca (SYNCPLANE_TEMPORAL_TLS_CA))";
    }
    if (m.contains("certificate_required")) {
      return " (the server requires a client certificate: set temporal.tls.cert and temporal.tls.key)";
    }
    if (m.contains("certificate_expired")) {
      return " (the server refused the client certificate temporal.tls.cert as outside its validity dates)";
    }
    if (m.contains("bad_certificate") || m.contains("unknown_ca") || m.contains("certificate_unknown")
        || m.contains("unsupported_certificate") || m.contains("certificate_revoked")) {
      return " (the server refused the client certificate temporal.tls.cert (SYNCPLANE_TEMPORAL_TLS_CERT):"
          + " not signed by a CA it trusts, outside its dates, or revoked)";
    }
    if (m.contains("not an ssl/tls record") || m.contains("plaintext")) {
      return " (the server does not speak TLS on temporal.target: turn temporal.tls off, or check the port)";
    }
    return "";
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
