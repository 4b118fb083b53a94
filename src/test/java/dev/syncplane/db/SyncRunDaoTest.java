package dev.syncplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.core.SyncRun;
import dev.syncplane.support.TestPostgres;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SyncRunDaoTest {
  private final SyncRunDao syncRuns = TestPostgres.jdbi().onDemand(SyncRunDao.class);

  @Test
  void recordingTheSameRunTwiceKeepsOneRow() {
    String connection = "c-" + UUID.randomUUID();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 2; i++) {
      syncRuns.record(connection, "i", "wf", "run-" + connection, 3L, t, t, t.plusSeconds(1), "SUCCEEDED", 42, null);
    }
    syncRuns.record(connection, "i", "wf", "run2-" + connection, 3L, t.plusSeconds(60), t.plusSeconds(60), null, "FAILED", 0, "boom");

    List<SyncRun> runs = syncRuns.recent(connection, 10);
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).status()).isEqualTo("FAILED");
    assertThat(runs.get(1).records()).isEqualTo(42);
    assertThat(runs.get(1).configVersion()).isEqualTo(3);
    assertThat(runs.get(1).scheduledAt()).isEqualTo(t);
  }
}
