package dev.syncplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.syncplane.core.Connection;
import dev.syncplane.support.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionDaoTest {
  private final Jdbi jdbi = TestPostgres.jdbi();
  private final IntegrationDao integrations = jdbi.onDemand(IntegrationDao.class);
  private final ConnectionDao connections = jdbi.onDemand(ConnectionDao.class);
  private String id;

  @BeforeEach
  void createIntegration() {
    id = "it-" + UUID.randomUUID();
    integrations.insert(id, "hubspot", "HS", 60_000, true);
  }

  @Test
  void aCustomerIsConnectedOncePerIntegration() {
    assertThat(connections.insertIfAbsent("c1-" + id, id, "acme")).isEqualTo(1);
    assertThat(connections.insertIfAbsent("c2-" + id, id, "acme")).isZero();

    assertThat(connections.findByCustomer(id, "acme").orElseThrow().id()).isEqualTo("c1-" + id);
    assertThat(connections.count(id)).isEqualTo(1);
  }

  @Test
  void pagesWalkEveryConnectionOnceInIdOrder() {
    for (int i = 0; i < 23; i++) {
      connections.insertIfAbsent(String.format("c%02d-%s", i, id), id, "customer-" + i);
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    while (true) {
      List<Connection> page = connections.page(id, after, 5);
      page.forEach(c -> seen.add(c.id()));
      if (page.size() < 5) {
        break;
      }
      after = page.get(page.size() - 1).id();
    }
    assertThat(seen).hasSize(23).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void deletingTheIntegrationDeletesItsConnections() {
    connections.insertIfAbsent("c1-" + id, id, "acme");
    integrations.delete(id);

    assertThat(connections.count(id)).isZero();
  }

  @Test
  void aConnectionIsLiveUntilDisconnectedOrItsIntegrationIsBeingDeleted() {
    connections.insertIfAbsent("c1-" + id, id, "acme");
    connections.insertIfAbsent("c2-" + id, id, "globex");
    Connection acme = connections.findByCustomer(id, "acme").orElseThrow();
    assertThat(connections.isLive(acme)).isTrue();
    assertThat(connections.isLive(id, "no-such-connection")).isFalse();

    connections.delete(List.of(acme.id()));
    assertThat(connections.isLive(acme)).isFalse();

    assertThat(connections.isLive(id, "c2-" + id)).isTrue();
    integrations.markDeleting(id);
    assertThat(connections.isLive(id, "c2-" + id)).isFalse();
  }

  @Test
  void aDisconnectedConnectionIdIsNeverInsertedAgain() {
    connections.insertIfAbsent("c1-" + id, id, "acme");
    connections.disconnect(id, "c1-" + id);
    assertThat(connections.findByCustomer(id, "acme")).isEmpty();

    assertThat(connections.insertIfAbsent("c1-" + id, id, "acme")).as("a late connect attempt").isZero();
    assertThat(connections.findByCustomer(id, "acme")).isEmpty();
    connections.disconnect(id, "c1-" + id); // a disconnect retried

    assertThat(connections.insertIfAbsent("c2-" + id, id, "acme")).as("the customer connecting again").isEqualTo(1);
    assertThat(connections.findByCustomer(id, "acme").orElseThrow().id()).isEqualTo("c2-" + id);
  }
}
