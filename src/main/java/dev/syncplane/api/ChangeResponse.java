package dev.syncplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** 200 of PUT/PATCH: the committed integration and its update run; 202 carries the update only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChangeResponse(IntegrationView integration, UpdateView update) {}
