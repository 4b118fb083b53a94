package dev.syncplane.db;

import org.jdbi.v3.core.Jdbi;

/**
 * The namespace's Schedule RPC timeline, shared by every replica (migration 5, {@code schedule_rpc_ledger}): one
 * row per Temporal namespace holding the end of the slots reserved so far, in microseconds on PostgreSQL's clock.
 * A reservation is one atomic statement, the generic cell rate algorithm in one row: the run begins at that end or
 * now, whichever is later (so nothing is saved up while idle), and moves the end past itself. Only durations cross
 * to the caller (how long from now its run begins), so the replicas' clocks never need to agree with each other or
 * with the database's.
 */
public final class ScheduleRpcLedger {
  static final String RESERVE =
      "WITH clock AS (SELECT CAST(floor(extract(epoch FROM clock_timestamp()) * 1000000) AS bigint) AS now_us)"
          + " INSERT INTO schedule_rpc_ledger AS l (namespace, next_free_us)"
          + " SELECT :namespace, now_us + :spanUs FROM clock"
          + " ON CONFLICT (namespace) DO UPDATE"
          + " SET next_free_us = GREATEST(l.next_free_us, (SELECT now_us FROM clock)) + :spanUs"
          + " RETURNING l.next_free_us - :spanUs - (SELECT now_us FROM clock)";

  private final Jdbi jdbi;
  private final Runnable onReserve;

  /** @param onReserve called once per statement sent (the metric of what the budget costs the database) */
  public ScheduleRpcLedger(Jdbi jdbi, Runnable onReserve) {
    this.jdbi = jdbi;
    this.onReserve = onReserve;
  }

  /**
   * Reserves the next {@code spanMicros} of {@code namespace}'s timeline, none of it before now: returns how many
   * microseconds from now the reserved span begins (0 when the timeline was idle).
   */
  public long reserve(String namespace, long spanMicros) {
    onReserve.run();
    return jdbi.withHandle(h -> h.createQuery(RESERVE)
        .bind("namespace", namespace)
        .bind("spanUs", spanMicros)
        .mapTo(Long.class)
        .one());
  }
}
