package dev.syncplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.syncplane.api.ApiException;
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
  void theSameIdempotencyKeyGivesTheSameUpdateIdPerIntegration() {
    assertThat(IntegrationService.keyedUpdateId("a", "k")).isEqualTo(IntegrationService.keyedUpdateId("a", "k"));
    assertThat(IntegrationService.keyedUpdateId("a", "k")).isNotEqualTo(IntegrationService.keyedUpdateId("b", "k"));
  }
}
