package dev.syncplane.temporal.update;

import dev.syncplane.temporal.Names;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one pass page by page: {@code beginPass} writes the first page, each {@code continuePass} the next, and the
 * activity that writes the last page finishes the pass. A failed attempt is retried here rather than by Temporal,
 * after a timer, so that the run's result lists what failed and why; a batch is retried until it succeeds.
 */
public class PassWorkflowImpl implements PassWorkflow {

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration LAST_RETRY = Duration.ofSeconds(30);

  private PassResult result;
  private boolean yieldAsked;
  private boolean resumed;

  @Override
  public PassResult run(PassInput input) {
    result = input.soFar() != null ? input.soFar() : PassResult.starting(input.version());
    PassState pass = input.resume();
    if (pass == null) {
      WorkflowInfo info = Workflow.getInfo();
      Workflow.setCurrentDetails("v" + input.version() + ": beginning");
      PassStart start = new PassStart(input.integrationId(), info.getWorkflowId(), info.getRunId());
      FirstBatch first = attempt("begin the pass, write batch 1", s -> s.beginPass(start));
      if (!first.pass().exists()) {
        result = result.gone();
        Workflow.setCurrentDetails("the integration is gone: nothing written");
        return result;
      }
      if (first.pass().version() != input.version()) { // a change committed while this run started
        Workflow.upsertTypedSearchAttributes(Names.CONFIG_VERSION.valueSet(first.pass().version()));
      }
      result = result.begun(first.pass().version(), first.pass().total()).add(first.batch());
      pass = new PassState(first.pass().version(), first.pass().total(), null, 0).advance(first.batch());
      if (first.batch().done()) {
        return finished();
      }
    }
    int pageSize = Math.max(1, pass.applied() / Math.max(1, result.batches()));
    int batches = (pass.total() + pageSize - 1) / pageSize;
    while (true) {
      yieldToWaitingWrites();
      if (UpdateWorkflows.historyFull()) {
        Workflow.continueAsNew(input.resumeAt(pass, result));
      }
      Workflow.setCurrentDetails(result.progress());
      BatchRequest request = new BatchRequest(input.integrationId(), pass.cursor(), pass.applied());
      long version = pass.version();
      int number = result.batches() + 1;
      String summary = "batch " + number + "/" + Math.max(number, batches) + ": Schedules " + (pass.applied() + 1)
          + "–" + Math.min(pass.total(), pass.applied() + pageSize) + " of " + pass.total();
      BatchResult written = attempt(summary, s -> s.continuePass(request, version));
      pass = pass.advance(written);
      result = result.add(written);
      if (written.done()) {
        return finished();
      }
    }
  }

  @Override
  public void yieldTurn() {
    yieldAsked = true;
  }

  @Override
  public void resumeTurn() {
    resumed = true;
  }

  /** Between two batches: if the parent asked, tells it the pass has stopped, and waits until it may go on. */
  private void yieldToWaitingWrites() {
    if (!yieldAsked) {
      return;
    }
    yieldAsked = false;
    resumed = false;
    Workflow.setCurrentDetails("paused between two batches for a connect, disconnect or repair; " + result.progress());
    Workflow.newExternalWorkflowStub(UpdateIntegrationWorkflow.class, Workflow.getInfo().getParentWorkflowId().orElseThrow())
        .passPaused();
    Workflow.await(() -> resumed);
  }

  private PassResult finished() {
    Workflow.setCurrentDetails("done: " + result.progress());
    return result;
  }

  /** Runs one activity; on a failure records it, waits (1 s doubling to 30 s) and runs it again, until it succeeds. */
  private <T> T attempt(String summary, Function<ScheduleActivities, T> call) {
    Duration backoff = FIRST_RETRY;
    for (int attempt = 1; ; attempt++) {
      String label = attempt == 1 ? summary : summary + " (attempt " + attempt + ")";
      ScheduleActivities schedules = Activities.schedules(Activities.SCHEDULES_ONCE, label);
      try {
        return call.apply(schedules);
      } catch (ActivityFailure e) {
        int batch = result.batches() + 1;
        int at = attempt;
        List<FailedWrite> failed = failures(e).stream().map(f -> f.at(batch, at)).toList();
        result = result.failed(failed);
        Workflow.setCurrentDetails(result.progress());
        TimerOptions timer =
            TimerOptions.newBuilder().setSummary("retry batch " + batch + " in " + backoff.toSeconds() + " s: " + failed.get(0)).build();
        Workflow.newTimer(backoff, timer).get();
        backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
      }
    }
  }

  /** The Schedules a failed batch names, or else the attempt's own cause. */
  static List<FailedWrite> failures(ActivityFailure e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ApplicationFailure f && FailedWrites.TYPE.equals(f.getType()) && f.getDetails().getSize() > 0) {
      List<FailedWrite> writes = f.getDetails().get(0, FailedWrites.class).writes();
      if (!writes.isEmpty()) {
        return writes;
      }
    }
    String why =
        cause instanceof TimeoutFailure t
            ? "timed out (" + t.getTimeoutType() + "): the worker running it stopped or stalled"
            : cause instanceof ApplicationFailure f ? f.getOriginalMessage() : String.valueOf(cause.getMessage());
    return List.of(new FailedWrite(0, 0, null, why));
  }
}
