package dev.syncplane.temporal.update;

import dev.syncplane.core.FieldChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link PassWorkflow} applies, as the Temporal UI shows it: the version it expects to carry, and the changes
 * that committed since the last pass, oldest first ({@code changes}: the first {@link #LISTED}; {@code changesLeftOut}
 * more were not listed). {@code resume} and {@code soFar}: where a pass that continued as new goes on.
 */
public record PassInput(
    String integrationId, long version, List<PassChange> changes, int changesLeftOut, PassState resume, PassResult soFar) {

  /** Changes a pass lists at most (its input travels through the histories of both workflows). */
  public static final int LISTED = 20;

  public PassInput {
    changes = changes == null ? List.of() : List.copyOf(changes);
  }

  PassInput resumeAt(PassState pass, PassResult result) {
    return new PassInput(integrationId, version, changes, changesLeftOut, pass, result);
  }

  /** The update runs this pass was started for. */
  public List<String> updateIds() {
    return changes.stream().map(PassChange::updateId).toList();
  }

  /** The net change of each setting over the listed changes: the first value before, the last one after. */
  public List<FieldChange> netChange() {
    Map<String, FieldChange> net = new LinkedHashMap<>();
    for (PassChange c : changes) {
      for (FieldChange f : c.fields()) {
        FieldChange earlier = net.get(f.field());
        net.put(f.field(), new FieldChange(f.field(), earlier == null ? f.from() : earlier.from(), f.to()));
      }
    }
    List<FieldChange> changed = new ArrayList<>();
    net.values().stream().filter(f -> !f.from().equals(f.to())).forEach(changed::add);
    return changed;
  }

  /** The Temporal UI's one line for this run, e.g. {@code v3: periodMs 120000 → 300000}. */
  public String summary() {
    int count = changes.size() + changesLeftOut;
    String versions =
        count > 1 ? "v" + changes.get(0).version() + "–v" + version + " (" + count + " changes coalesced)" : "v" + version;
    List<FieldChange> net = netChange();
    String what = net.isEmpty() ? (changes.isEmpty() ? "re-apply the committed config" : "no setting changed") : join(net);
    return versions + ": " + what;
  }

  /** The UI's details: every listed change on a line of its own. */
  public String details() {
    StringBuilder s = new StringBuilder("Applies the committed config of integration " + integrationId + " to its Schedules.\n");
    for (PassChange c : changes) {
      s.append("\n- v").append(c.version()).append(" (update ").append(c.updateId()).append("): ")
          .append(c.fields().isEmpty() ? "no setting changed" : join(c.fields()));
    }
    if (changesLeftOut > 0) {
      s.append("\n- and ").append(changesLeftOut).append(" more");
    }
    return s.toString();
  }

  private static String join(List<FieldChange> fields) {
    return String.join(", ", fields.stream().map(FieldChange::toString).toList());
  }
}
