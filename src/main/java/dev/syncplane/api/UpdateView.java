package dev.syncplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** An update run: a change (or delete) and how far it has reached the Schedules. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpdateView(
    String id,
    String integrationId,
    String kind,
    Long version,
    String state,
    int schedulesTotal,
    int schedulesApplied,
    String workflowId,
    String temporalUiUrl,
    Instant createdAt,
    Instant finishedAt) {}
