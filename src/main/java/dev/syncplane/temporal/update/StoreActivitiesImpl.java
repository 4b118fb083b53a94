package dev.syncplane.temporal.update;

import dev.syncplane.core.ChangeRefused;
import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.db.SyncRunDao;
import dev.syncplane.db.UpdateRunDao;
import dev.syncplane.temporal.Names;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

public class StoreActivitiesImpl implements StoreActivities {
  private final UpdateRunDao updates;
  private final SyncRunDao syncRuns;

  public StoreActivitiesImpl(UpdateRunDao updates, SyncRunDao syncRuns) {
    this.updates = updates;
    this.syncRuns = syncRuns;
  }

  /** {@link UpdateRunDao#commitChange}: idempotent by update id; a refusal is final. */
  @Override
  public Commit commitChange(ChangeCommand c) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    return refusable(() -> updates.commitChange(c.updateId(), c.integrationId(), c.change(), c.expectedVersion(),
        c.idempotencyKey(), info.getWorkflowId(), info.getRunId()));
  }

  @Override
  public UpdateRun beginDelete(DeleteCommand c) {
    // The run links to the child that deletes (its newest run: the child starts once this has committed).
    return refusable(() -> updates.beginDelete(c.updateId(), c.integrationId(), Names.deleteWorkflowId(c.integrationId()), null));
  }

  @Override
  public void finishDelete(DeleteCommand c) {
    syncRuns.deleteForIntegration(c.integrationId());
    updates.finishDelete(c.updateId(), c.integrationId());
  }

  /** A refusal is final: retrying cannot change the answer, and the caller needs it at once. */
  static <T> T refusable(Supplier<T> write) {
    try {
      return write.get();
    } catch (ChangeRefused e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), REFUSED, e.reason().name());
    }
  }
}
