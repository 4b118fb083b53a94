package dev.syncplane.temporal.update;

import java.util.ArrayList;
import java.util.List;

/**
 * What a pass did, as its run's result in the Temporal UI.
 *
 * @param version the config version it applied
 * @param total the integration's Schedules when it began
 * @param batches pages written
 * @param updated Schedules rewritten with this version
 * @param created Schedules that were missing and were created ({@code createdIds}: the first few)
 * @param unchanged Schedules that already carried it
 * @param skippedByFence Schedules not written because a newer version committed meanwhile (the next pass writes them)
 * @param failedAttempts batch attempts that failed (each was retried); {@code failures}: the first few, with causes
 * @param updateIds the update runs this pass marked applied
 * @param integrationGone the integration was deleted before the pass began: nothing written
 */
public record PassResult(
    long version,
    int total,
    int batches,
    int updated,
    int created,
    int unchanged,
    int skippedByFence,
    List<String> createdIds,
    int failedAttempts,
    List<FailedWrite> failures,
    List<String> updateIds,
    boolean integrationGone) {

  /** Failures and created ids a result lists at most. */
  static final int LISTED = 20;

  static PassResult starting(long version) {
    return new PassResult(version, 0, 0, 0, 0, 0, 0, List.of(), 0, List.of(), List.of(), false);
  }

  PassResult begun(long passVersion, int passTotal) {
    return new PassResult(passVersion, passTotal, batches, updated, created, unchanged, skippedByFence, createdIds,
        failedAttempts, failures, updateIds, false);
  }

  PassResult gone() {
    return new PassResult(version, 0, 0, 0, 0, 0, 0, List.of(), failedAttempts, failures, List.of(), true);
  }

  PassResult add(BatchResult batch) {
    return new PassResult(
        version,
        total,
        batches + 1,
        updated + batch.updated(),
        created + batch.createdCount(),
        unchanged + batch.processed() - batch.updated() - batch.newerKept() - batch.createdCount(),
        skippedByFence + batch.newerKept(),
        capped(createdIds, batch.created()),
        failedAttempts,
        failures,
        batch.updateIds().isEmpty() ? updateIds : batch.updateIds(),
        false);
  }

  PassResult failed(List<FailedWrite> writes) {
    return new PassResult(version, total, batches, updated, created, unchanged, skippedByFence, createdIds,
        failedAttempts + 1, capped(failures, writes), updateIds, integrationGone);
  }

  /** Schedules this pass has written or found carrying its version. */
  public int applied() {
    return updated + created + unchanged;
  }

  /** The UI's current details while the pass runs. */
  String progress() {
    if (batches == 0 && failedAttempts == 0) {
      return "v" + version + ": beginning";
    }
    String s = "v" + version + ": " + (applied() + skippedByFence) + " of " + total + " Schedules done (" + updated
        + " updated, " + created + " created, " + unchanged + " unchanged, " + skippedByFence + " left to a newer pass)";
    return failedAttempts == 0 ? s : s + "; " + failedAttempts + " failed attempts, last: " + failures.get(failures.size() - 1);
  }

  private static <T> List<T> capped(List<T> listed, List<T> more) {
    if (listed.size() >= LISTED || more.isEmpty()) {
      return listed;
    }
    List<T> all = new ArrayList<>(listed);
    more.stream().limit(LISTED - listed.size()).forEach(all::add);
    return List.copyOf(all);
  }
}
