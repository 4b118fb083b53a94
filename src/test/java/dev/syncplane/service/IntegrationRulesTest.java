package dev.syncplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncplane.api.ApiException;
import dev.syncplane.api.ErrorCode;
import dev.syncplane.core.IntegrationChange;
import dev.syncplane.core.connector.ConnectorRegistry;
import dev.syncplane.core.connector.SimulatedConnector;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntegrationRulesTest {
  private final IntegrationRules rules =
      new IntegrationRules(new ConnectorRegistry(List.of(new SimulatedConnector("salesforce", 0))), 60_000);
  private final ObjectMapper json = new ObjectMapper();

  private static ErrorCode codeOf(Runnable r) {
    try {
      r.run();
    } catch (ApiException e) {
      return e.code();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void createNeedsAKnownProviderANameAndALongEnoughPeriod() {
    rules.checkCreate("sf-1", "salesforce", "SF", 60_000L);
    assertThat(codeOf(() -> rules.checkCreate(null, "nope", "SF", 60_000L))).isEqualTo(ErrorCode.UNKNOWN_PROVIDER);
    assertThat(codeOf(() -> rules.checkCreate(null, "salesforce", "SF", 59_999L))).isEqualTo(ErrorCode.PERIOD_TOO_SHORT);
    assertThat(codeOf(() -> rules.checkCreate(null, "salesforce", " ", 60_000L))).isEqualTo(ErrorCode.VALIDATION_FAILED);
    assertThat(codeOf(() -> rules.checkCreate("a:b", "salesforce", "SF", 60_000L))).isEqualTo(ErrorCode.VALIDATION_FAILED);
    assertThat(codeOf(() -> rules.checkCreate(null, null, null, null))).isEqualTo(ErrorCode.VALIDATION_FAILED);
  }

  @Test
  void aPatchNamesOnlyPatchableFieldsWithTheRightTypes() throws Exception {
    assertThat(rules.checkPatch(json.readTree("{\"periodMs\":120000}")))
        .isEqualTo(new IntegrationChange(null, 120_000L, null));
    assertThat(rules.checkPatch(json.readTree("{\"syncEnabled\":false,\"name\":\"n\"}")))
        .isEqualTo(new IntegrationChange("n", null, false));
    assertThat(codeOf(() -> rules.checkPatch(tree("{\"provider\":\"x\"}")))).isEqualTo(ErrorCode.UNKNOWN_FIELD);
    assertThat(codeOf(() -> rules.checkPatch(tree("{\"periodMs\":1.5}")))).isEqualTo(ErrorCode.VALIDATION_FAILED);
    assertThat(codeOf(() -> rules.checkPatch(tree("{\"periodMs\":null}")))).isEqualTo(ErrorCode.VALIDATION_FAILED);
    assertThat(codeOf(() -> rules.checkPatch(tree("{}")))).isEqualTo(ErrorCode.VALIDATION_FAILED);
  }

  @Test
  void replaceKeepsTheProviderAndDefaultsSyncEnabled() {
    assertThat(rules.checkReplace("salesforce", null, "n", 60_000L, null))
        .isEqualTo(new IntegrationChange("n", 60_000L, true));
    assertThat(codeOf(() -> rules.checkReplace("salesforce", "hubspot", "n", 60_000L, null)))
        .isEqualTo(ErrorCode.VALIDATION_FAILED);
  }

  @Test
  void pathIdsAreCheckedBeforeAnyLookup() {
    IntegrationRules.checkId("id", "ok-id_1.2");
    assertThatThrownBy(() -> IntegrationRules.checkId("id", "../x")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> IntegrationRules.checkId("id", "x".repeat(65))).isInstanceOf(ApiException.class);
  }

  private com.fasterxml.jackson.databind.JsonNode tree(String s) {
    try {
      return json.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
