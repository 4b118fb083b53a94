package dev.syncplane.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncplane.core.ChangeRefused;
import dev.syncplane.core.Commit;
import dev.syncplane.core.Integration;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.IntegrationState;
import dev.syncplane.core.UpdateState;
import dev.syncplane.support.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commit transaction, on a real PostgreSQL. */
class UpdateRunDaoTest {
  private final Jdbi jdbi = TestPostgres.jdbi();
  private final IntegrationDao integrations = jdbi.onDemand(IntegrationDao.class);
  private final UpdateRunDao updates = jdbi.onDemand(UpdateRunDao.class);
  private final CommitDao commits = jdbi.onDemand(CommitDao.class);
  private String id;

  @BeforeEach
  void createIntegration() {
    id = "it-" + UUID.randomUUID();
    integrations.insert(id, "salesforce", "SF", 60_000, true);
  }

  private Commit commit(String updateId, IntegrationChange change, Long expected, String key) {
    return updates.commitChange(updateId, id, change, expected, key, "wf", "run");
  }

  @Test
  void commitBumpsTheVersionAndRecordsACommittedRun() {
    Commit c = commit("u1-" + id, new IntegrationChange(null, 120_000L, false), null, null);

    assertThat(c.replayed()).isFalse();
    assertThat(c.integration().version()).isEqualTo(2);
    assertThat(c.integration().periodMs()).isEqualTo(120_000);
    assertThat(c.integration().syncEnabled()).isFalse();
    assertThat(c.integration().name()).isEqualTo("SF");
    assertThat(c.update().version()).isEqualTo(2);
    assertThat(c.update().state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(integrations.find(id).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void aStaleExpectedVersionIsRefusedAndWritesNothing() {
    commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, null);

    assertThatThrownBy(() -> commit("u2-" + id, new IntegrationChange(null, 180_000L, null), 1L, null))
        .isInstanceOf(ChangeRefused.class)
        .extracting(e -> ((ChangeRefused) e).reason())
        .isEqualTo(ChangeRefused.Reason.VERSION_MISMATCH);
    Integration now = integrations.find(id).orElseThrow();
    assertThat(now.version()).isEqualTo(2);
    assertThat(now.periodMs()).isEqualTo(120_000);
    assertThat(updates.find("u2-" + id)).isEmpty();
  }

  @Test
  void aRetriedUpdateReturnsTheFirstCommit() {
    Commit first = commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, "key-1");
    Commit retried = commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, "key-1");

    assertThat(first.replayed()).isFalse();
    assertThat(retried.replayed()).isTrue();
    assertThat(retried.update().id()).isEqualTo(first.update().id());
    assertThat(integrations.find(id).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void theSameIdempotencyKeyForAnotherChangeIsRefusedAndWritesNothing() {
    commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, "key-1");

    assertThatThrownBy(() -> commit("u9-" + id, new IntegrationChange(null, 999_000L, null), null, "key-1"))
        .isInstanceOf(ChangeRefused.class)
        .extracting(e -> ((ChangeRefused) e).reason())
        .isEqualTo(ChangeRefused.Reason.IDEMPOTENCY_KEY_REUSED);
    assertThat(integrations.find(id).orElseThrow().version()).isEqualTo(2);
    assertThat(integrations.find(id).orElseThrow().periodMs()).isEqualTo(120_000);
    assertThat(updates.find("u9-" + id)).isEmpty();
  }

  @Test
  void concurrentCommitsEachGetTheirOwnVersion() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Commit>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long period = 60_000L + i;
      String updateId = "c" + i + "-" + id;
      futures.add(pool.submit(() -> commit(updateId, new IntegrationChange(null, period, null), null, null)));
    }
    List<Long> versions = new ArrayList<>();
    for (Future<Commit> f : futures) {
      versions.add(f.get().update().version());
    }
    pool.shutdown();

    assertThat(versions).doesNotHaveDuplicates().hasSize(20);
    assertThat(integrations.find(id).orElseThrow().version()).isEqualTo(21);
  }

  @Test
  void aNewChangeCommitsInOneStatementAndWhatItCannotCommitWritesNothing() {
    Commit first = commits.commitNew("u1-" + id, id, new IntegrationChange("renamed", null, false), null, "key-1", "wf", "run")
        .orElseThrow();
    assertThat(first.integration().version()).isEqualTo(2);
    assertThat(first.integration().name()).isEqualTo("renamed");
    assertThat(first.integration().periodMs()).isEqualTo(60_000); // a null field is left as it is
    assertThat(first.integration().syncEnabled()).isFalse();
    assertThat(first.update().version()).isEqualTo(2);
    assertThat(first.update().idempotencyKey()).isEqualTo("key-1");
    assertThat(first.update().state()).isEqualTo(UpdateState.COMMITTED);
    assertThat(first.update().createdAt()).isNotNull();
    assertThat(first.update().finishedAt()).isNull();

    // a replayed id, a reused key, a stale expected version, another integration: nothing (the checked path explains)
    assertThat(commits.commitNew("u1-" + id, id, new IntegrationChange(null, 1L, null), null, null, "wf", "run")).isEmpty();
    assertThat(commits.commitNew("u2-" + id, id, new IntegrationChange(null, 1L, null), null, "key-1", "wf", "run")).isEmpty();
    assertThat(commits.commitNew("u3-" + id, id, new IntegrationChange(null, 1L, null), 1L, null, "wf", "run")).isEmpty();
    assertThat(commits.commitNew("u4-" + id, "missing-" + id, new IntegrationChange(null, 1L, null), null, null, "wf", "run"))
        .isEmpty();
    assertThat(integrations.find(id).orElseThrow()).isEqualTo(first.integration());
    assertThat(updates.find("u2-" + id)).isEmpty();
    assertThat(updates.find("u3-" + id)).isEmpty();
  }

  @Test
  void concurrentOneStatementCommitsLineUpBehindTheRowLock() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Commit>> futures = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long period = 60_000L + i;
      String updateId = "n" + i + "-" + id;
      futures.add(pool.submit(() ->
          commits.commitNew(updateId, id, new IntegrationChange(null, period, null), null, null, "wf", "run").orElseThrow()));
    }
    List<Long> versions = new ArrayList<>();
    for (Future<Commit> f : futures) {
      Commit c = f.get();
      assertThat(c.integration().version()).isEqualTo(c.update().version());
      assertThat(updates.find(c.update().id()).orElseThrow().version()).isEqualTo(c.update().version());
      versions.add(c.update().version());
    }
    pool.shutdown();

    assertThat(versions).doesNotHaveDuplicates().hasSize(40).allSatisfy(v -> assertThat(v).isBetween(2L, 41L));
    assertThat(integrations.find(id).orElseThrow().version()).isEqualTo(41);
  }

  @Test
  void aDeletingIntegrationRefusesChanges() {
    updates.beginDelete("d-" + id, id, "wf", "run");

    assertThat(integrations.find(id).orElseThrow().state()).isEqualTo(IntegrationState.DELETING);
    assertThatThrownBy(() -> commit("u1-" + id, new IntegrationChange("x", null, null), null, null))
        .isInstanceOf(ChangeRefused.class)
        .extracting(e -> ((ChangeRefused) e).reason())
        .isEqualTo(ChangeRefused.Reason.NOT_FOUND);
  }

  @Test
  void propagationMovesRunsUpToTheAppliedVersion() {
    commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, null); // v2
    updates.beginPropagation(id, 2, 10, "integration-pass:" + id + ":v2", "run-1");
    commit("u2-" + id, new IntegrationChange(null, 180_000L, null), null, null); // v3, during the pass
    updates.progress(id, 4);
    // one commit-to-applied time per run it completed (the propagation metric); a retry lists the run without one
    String pass = "integration-pass:" + id + ":v2";
    assertThat(updates.finishPropagation(id, 2, pass)).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo("u1-" + id);
      assertThat(r.millis()).isNotNegative();
    });
    assertThat(updates.finishPropagation(id, 2, pass)).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo("u1-" + id);
      assertThat(r.millis()).isNull();
    });
    assertThat(updates.finishPropagation(id, 2, "integration-pass:" + id + ":v9")).isEmpty();

    assertThat(updates.find("u1-" + id).orElseThrow().state()).isEqualTo(UpdateState.APPLIED);
    assertThat(updates.find("u1-" + id).orElseThrow().schedulesApplied()).isEqualTo(10);
    assertThat(updates.find("u2-" + id).orElseThrow().state()).isEqualTo(UpdateState.COMMITTED);
  }

  @Test
  void aChangeCountsAsRecentWhileOnItsWayAndForTheGraceAfterItWasApplied() {
    assertThat(updates.changedWithin(id, 120)).isFalse(); // no change yet
    commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, null);
    assertThat(updates.changedWithin(id, 0)).isTrue(); // committed: on its way
    updates.beginPropagation(id, 2, 1, "integration-pass:" + id + ":v2", "run-1");
    assertThat(updates.changedWithin(id, 0)).isTrue();
    updates.finishPropagation(id, 2, "integration-pass:" + id + ":v2");
    assertThat(updates.changedWithin(id, 120)).isTrue(); // applied just now
    assertThat(updates.changedWithin(id, 0)).isFalse(); // applied longer ago than no grace at all
  }

  @Test
  void aDeleteCountsAsRecentWhileUnderWayAndForTheGraceAfterItEnded() {
    updates.beginDelete("d-" + id, id, "wf", "run");
    assertThat(updates.changedWithin(id, 0)).isTrue(); // under way
    updates.finishDelete("d-" + id, id);
    assertThat(updates.changedWithin(id, 120)).isTrue(); // ended just now
    assertThat(updates.changedWithin(id, 0)).isFalse();
  }

  @Test
  void finishDeleteRemovesTheIntegrationAndKeepsTheDeleteRun() {
    commit("u1-" + id, new IntegrationChange(null, 120_000L, null), null, null);
    updates.beginDelete("d-" + id, id, "wf", "run");
    updates.finishDelete("d-" + id, id);

    assertThat(integrations.find(id)).isEmpty();
    assertThat(updates.find("u1-" + id)).isEmpty();
    assertThat(updates.find("d-" + id).orElseThrow().state()).isEqualTo(UpdateState.DELETED);
  }
}
