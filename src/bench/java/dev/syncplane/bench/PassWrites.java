package dev.syncplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.support.UpdateRunHistories;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The Schedule writes of an integration's passes, read from their runs' histories: the passes begun
 * since a moment, and the sum of their batches' {@code BatchResult.updated} and {@code created}. Each pass writes a
 * Schedule at most once, so the passes are a bound on how often any one Schedule was rewritten, and the sum over N is
 * the mean.
 */
record PassWrites(int passes, long updated, long created) {
  private static final ObjectMapper JSON = new ObjectMapper();

  long writes() {
    return updated + created;
  }

  /** The BeginPass and ContinuePass activities scheduled at or after {@code epochMillis}, and what they wrote. */
  static PassWrites since(String integrationId, long epochMillis) {
    Map<Long, String> types = new HashMap<>();
    int passes = 0;
    long updated = 0, created = 0;
    for (HistoryEvent e : UpdateRunHistories.eventsSince(integrationId, epochMillis)) {
      if (e.hasActivityTaskScheduledEventAttributes()) {
        String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
        types.put(e.getEventId(), type);
        passes += type.equals("BeginPass") ? 1 : 0;
      } else if (e.hasActivityTaskCompletedEventAttributes()) {
        String type = types.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
        if ("BeginPass".equals(type) || "ContinuePass".equals(type)) {
          JsonNode result = json(e.getActivityTaskCompletedEventAttributes().getResult().getPayloads(0));
          JsonNode batch = type.equals("BeginPass") ? result.path("batch") : result;
          updated += batch.path("updated").asLong();
          created += batch.path("createdCount").asLong();
        }
      }
    }
    return new PassWrites(passes, updated, created);
  }

  private static JsonNode json(Payload payload) {
    try {
      return JSON.readTree(payload.getData().toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
