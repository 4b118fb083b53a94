package dev.syncplane.db;

import java.net.ConnectException;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionException;

/** Tells "the database is unreachable" (retry later, 503) apart from a real error. */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectionException || t instanceof ConnectException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
        return true; // connection exception, or the server is shutting down / restarting
      }
    }
    return false;
  }
}
