package dev.syncplane.db;

import com.google.common.base.Throwables;
import java.net.ConnectException;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionException;

/** Tells "the database is unreachable" (retry later, 503) apart from a real error. */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  public static boolean isUnavailable(Throwable e) {
    return e != null && Throwables.getCausalChain(e).stream().anyMatch(DatabaseFailures::isUnavailableItself);
  }

  private static boolean isUnavailableItself(Throwable t) {
    if (t instanceof ConnectionException || t instanceof ConnectException) {
      return true;
    }
    // connection exception, or the server is shutting down / restarting
    return t instanceof SQLException s && s.getSQLState() != null
        && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"));
  }
}
