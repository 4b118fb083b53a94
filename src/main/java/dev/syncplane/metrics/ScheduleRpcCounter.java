package dev.syncplane.metrics;

import com.codahale.metrics.Meter;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Counts the Schedule RPCs this process sends to Temporal (create, describe, update, patch, delete, list),
 * on the wire, whoever sends them: fan-out, connects, drift repair, /status. It is the independent check
 * that {@code fanOut.scheduleRpcPerSecond} holds, and the figure to hold against a namespace's limit.
 */
public final class ScheduleRpcCounter implements ClientInterceptor {
  private final Meter rpcs;

  public ScheduleRpcCounter(Meter rpcs) {
    this.rpcs = rpcs;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (isScheduleRpc(method.getFullMethodName())) {
      rpcs.mark();
    }
    return next.newCall(method, options);
  }

  /** {@code temporal.api.workflowservice.v1.WorkflowService/UpdateSchedule} and its kin (ListSchedules, …). */
  static boolean isScheduleRpc(String fullMethodName) {
    return fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1).contains("Schedule");
  }
}
