package dev.syncplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncplane.api.ApiException;
import dev.syncplane.core.IntegrationChange;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
  @Test
  void ifMatchTakesTheEtagOfGet() {
    assertThat(Preconditions.parseIfMatch("\"3\"")).isEqualTo(3L);
    assertThat(Preconditions.parseIfMatch("W/\"3\"")).isEqualTo(3L);
    assertThat(Preconditions.parseIfMatch("3")).isEqualTo(3L);
    assertThat(Preconditions.parseIfMatch("*")).isNull();
    assertThat(Preconditions.parseIfMatch(null)).isNull();
    assertThatThrownBy(() -> Preconditions.parseIfMatch("\"abc\"")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> Preconditions.parseIfMatch("\"0\"")).isInstanceOf(ApiException.class);
  }

  @Test
  void theSameIdempotencyKeyAndRequestGiveTheSameUpdateId() {
    IntegrationChange change = new IntegrationChange(null, 120_000L, null);
    String id = IntegrationService.keyedUpdateId("a", "k", change, null);

    assertThat(IntegrationService.keyedUpdateId("a", "k", new IntegrationChange(null, 120_000L, null), null)).isEqualTo(id);
    assertThat(IntegrationService.keyedUpdateId("b", "k", change, null)).isNotEqualTo(id);
    assertThat(IntegrationService.keyedUpdateId("a", "k", new IntegrationChange(null, 180_000L, null), null)).isNotEqualTo(id);
    assertThat(IntegrationService.keyedUpdateId("a", "k", change, 3L)).isNotEqualTo(id);
  }
}
