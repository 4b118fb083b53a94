package dev.syncplane.temporal.update;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncplane.core.Commit;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Determinism of {@link UpdateIntegrationWorkflowImpl}: the history committed in
 * {@code src/test/resources/histories/update-integration.json} (a change and its two-batch pass, a connect, a
 * disconnect, a two-page delete, recorded before any of the executor's {@code Workflow.getVersion} changes) must
 * replay against the current code. A run recorded now with every handler is in
 * {@link UpdateIntegrationWorkflowLocalWritesReplayTest}.
 * A change to the workflow code that breaks the committed history needs a versioning plan
 * ({@code Workflow.getVersion}) before it can ship, not a new recording.
 */
@Timeout(30)
class UpdateIntegrationWorkflowReplayTest {
  static final String COMMITTED_HISTORY = "histories/update-integration.json";

  @Test
  void theCommittedHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, UpdateIntegrationWorkflowImpl.class);
  }

  @Test
  void theCommittedHistoryCatchesANonDeterministicChange() {
    assertThatThrownBy(
            () -> WorkflowReplayer.replayWorkflowExecutionFromResource(COMMITTED_HISTORY, SleepsBeforeCommit.class))
        .hasMessageContaining("NonDeterministicException");
  }

  /** The executor as it would be if a timer were added before the commit: the committed history no longer fits. */
  public static class SleepsBeforeCommit extends UpdateIntegrationWorkflowImpl {
    @WorkflowInit
    public SleepsBeforeCommit(UpdateWorkflowInput input) {
      super(input);
    }

    @Override
    public Commit change(ChangeCommand command) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.change(command);
    }
  }
}
