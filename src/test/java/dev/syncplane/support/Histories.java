package dev.syncplane.support;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Recorded workflow histories for the replay tests, in {@code src/test/resources/histories}. Each replay test
 * records a representative run and replays it; with {@code -Dsyncplane.recordHistories=true} it also writes that
 * run over the committed history (see docs/versioning.md for when to do so).
 */
public final class Histories {
  private Histories() {}

  public static WorkflowExecutionHistory fromResource(String resource) throws IOException {
    try (InputStream in = Histories.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no history " + resource + " on the test classpath");
      }
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Writes {@code history} over the committed {@code resource} when run with -Dsyncplane.recordHistories=true. */
  public static void recordIfAsked(WorkflowExecutionHistory history, String resource) throws IOException {
    if (Boolean.getBoolean("syncplane.recordHistories")) {
      Files.writeString(Path.of("src/test/resources", resource), history.toJson(true));
    }
  }

  /** How many activities of {@code type} the history scheduled. */
  public static long activities(List<HistoryEvent> events, String type) {
    return events.stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .filter(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(type))
        .count();
  }

  /** The markers named {@code name} (for example "Version", "LocalActivity"). */
  public static List<HistoryEvent> markers(List<HistoryEvent> events, String name) {
    return events.stream()
        .filter(e -> e.hasMarkerRecordedEventAttributes() && e.getMarkerRecordedEventAttributes().getMarkerName().equals(name))
        .toList();
  }
}
