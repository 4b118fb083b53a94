package dev.syncplane.bench;

import com.google.protobuf.util.Timestamps;
import dev.syncplane.support.ServiceHarness;
import dev.syncplane.support.UpdateRunHistories;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The activities of an integration's passes (its workflow's child runs) as their histories record them (the server's clock, the same
 * machine's as the bench's): what each phase's time went to, for the log and the README's "what limits
 * each figure".
 */
record ActivityTimeline(List<Span> spans) {

  /** One activity: scheduled, started (its last attempt) and closed, epoch milliseconds; 0 if not yet. */
  record Span(String type, long scheduled, long started, long closed) {
    long queued() {
      return started - scheduled;
    }

    long ran() {
      return closed - started;
    }
  }

  /** The activities of the integration's update runs under way at or begun after {@code epochMillis}. */
  static ActivityTimeline ofPasses(String integrationId, long epochMillis) {
    return of(UpdateRunHistories.eventsSince(integrationId, epochMillis)).since(epochMillis);
  }

  /** The activities of a workflow's current run. */
  static ActivityTimeline of(String workflowId) {
    return of(ServiceHarness.workflows().fetchHistory(workflowId).getEvents());
  }

  static ActivityTimeline of(List<HistoryEvent> events) {
    Map<Long, long[]> times = new LinkedHashMap<>(); // scheduled event id -> scheduled, started, closed
    Map<Long, String> types = new LinkedHashMap<>();
    for (HistoryEvent e : events) {
      long at = Timestamps.toMillis(e.getEventTime());
      if (e.hasActivityTaskScheduledEventAttributes()) {
        types.put(e.getEventId(), e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        times.put(e.getEventId(), new long[] {at, 0, 0});
      } else if (e.hasActivityTaskStartedEventAttributes()) {
        times.computeIfAbsent(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), k -> new long[3])[1] = at;
      } else if (e.hasActivityTaskCompletedEventAttributes()) {
        times.computeIfAbsent(e.getActivityTaskCompletedEventAttributes().getScheduledEventId(), k -> new long[3])[2] = at;
      } else if (e.hasActivityTaskFailedEventAttributes()) {
        times.computeIfAbsent(e.getActivityTaskFailedEventAttributes().getScheduledEventId(), k -> new long[3])[2] = at;
      } else if (e.hasActivityTaskTimedOutEventAttributes()) {
        times.computeIfAbsent(e.getActivityTaskTimedOutEventAttributes().getScheduledEventId(), k -> new long[3])[2] = at;
      }
    }
    List<Span> spans = new ArrayList<>();
    times.forEach((id, t) -> {
      if (types.containsKey(id)) {
        spans.add(new Span(types.get(id), t[0], t[1], t[2]));
      }
    });
    return new ActivityTimeline(spans);
  }

  /** The activities scheduled at or after {@code epochMillis}. */
  ActivityTimeline since(long epochMillis) {
    return new ActivityTimeline(spans.stream().filter(s -> s.scheduled() >= epochMillis).toList());
  }

  /** The activities of these types. */
  ActivityTimeline ofType(String... names) {
    List<String> wanted = List.of(names);
    return new ActivityTimeline(spans.stream().filter(s -> wanted.contains(s.type())).toList());
  }

  /** From the first activity's scheduling to the last one's close; 0 if there is none. */
  long extent() {
    return spans.isEmpty() ? 0 : spans.get(spans.size() - 1).closed() - spans.get(0).scheduled();
  }

  /**
   * Each activity relative to {@code origin} (epoch ms): "+scheduled Type queued/ran ms", and the gap since the
   * one before closed, e.g. {@code +41 BeginPass 2/1630 ms, +1702 (gap 31) ContinuePass 1/1520 ms}.
   */
  String describe(long origin) {
    StringBuilder out = new StringBuilder();
    Span before = null;
    for (Span s : spans) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append('+').append(s.scheduled() - origin);
      if (before != null && before.closed() > 0) {
        out.append(" (gap ").append(s.scheduled() - before.closed()).append(')');
      }
      out.append(' ').append(s.type()).append(' ').append(s.queued()).append('/').append(s.ran()).append(" ms");
      before = s;
    }
    return out.toString();
  }
}
