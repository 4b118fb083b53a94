package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import io.temporal.activity.ActivityInterface;

/** The database writes of UpdateIntegrationWorkflow's handlers. Each one is idempotent and re-reads the DB. */
@ActivityInterface
public interface StoreActivities {

  /** Failure type of a refused change (non-retryable); the message says why. */
  String REFUSED = "ChangeRefused";

  Commit commitChange(ChangeCommand command);

  UpdateRun beginDelete(DeleteCommand command);

  void finishDelete(DeleteCommand command);
}
