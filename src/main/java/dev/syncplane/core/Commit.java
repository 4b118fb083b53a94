package dev.syncplane.core;

/** The outcome of committing a change: the integration as written, and the update run that names it. */
public record Commit(Integration integration, UpdateRun update, boolean replayed) {}
