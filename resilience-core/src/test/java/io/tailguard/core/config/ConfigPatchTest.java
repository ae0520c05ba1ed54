package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A partial document merged into the document in force, as an RFC 7386 merge patch: the keys it
 * names change, a null removes a key (an instance then goes on with the defaults), everything else
 * stays. A refused patch names each key with its line in the patch.
 */
class ConfigPatchTest {

  static final String IN_FORCE =
      """
      resilience:
        circuit-breaker:
          defaults: {min-calls: 10, open-cooldown: 20s}
          global: {enabled: false}
          instances:
            payments: {failure-rate-threshold: 0.25}
            my-api: {min-calls: 5}
        hedge:
          defaults: {max-hedges: 2}
          instances:
            quotes: {max-hedges: 1, delay: {strategy: fixed, delay: 50ms}}
        retry:
          policies:
            inventory: {max-attempts: 4, retryable-statuses: [429, 503]}
      """;

  static ConfigNode document(String yaml) {
    return ConfigPatch.parse(yaml).applyTo(ConfigNode.of(Map.of()));
  }

  static ResilienceConfig patched(String yaml) {
    ConfigNode merged = ConfigPatch.parse(yaml).applyTo(document(IN_FORCE));
    return YamlConfigLoader.map(merged, "patch", ConfigPatchTest.class.getClassLoader());
  }

  @Test
  void onlyTheKeysThePatchNamesChange() {
    ResilienceConfig before = YamlConfigLoader.loadString(IN_FORCE);
    ResilienceConfig after =
        patched("resilience:\n  hedge:\n    instances:\n      quotes: {timeout: 2s}\n");
    assertThat(after.hedging().instances().get("quotes").timeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(ConfigDiff.between(before, after))
        .containsExactly("resilience.hedge.instances.quotes.timeout: 30s -> 2s");
  }

  @Test
  void anEmptyPatchChangesNothing() {
    assertThat(patched("")).isEqualTo(YamlConfigLoader.loadString(IN_FORCE));
    assertThat(patched("resilience: {}")).isEqualTo(YamlConfigLoader.loadString(IN_FORCE));
  }

  @Test
  void instancesKeepFollowingTheDefaultsTheyDoNotSet() {
    ResilienceConfig after =
        patched("resilience:\n  circuit-breaker:\n    defaults: {open-cooldown: 45s}\n");
    assertThat(after.circuitBreaker().instances().get("payments").openCooldown())
        .isEqualTo(Duration.ofSeconds(45));
    assertThat(after.circuitBreaker().instances().get("payments").failureRateThreshold())
        .isEqualTo(0.25);
  }

  @Test
  void aNullRemovesAKeyAndAnInstanceGoesBackToTheDefaults() {
    ResilienceConfig after =
        patched(
            """
            resilience:
              circuit-breaker:
                instances:
                  payments: null
                global: {enabled: null}
            """);
    assertThat(after.circuitBreaker().instances()).containsOnlyKeys("my-api");
    assertThat(after.circuitBreaker().global().enabled()).isTrue(); // the default
  }

  @Test
  void listsAreReplacedWholeAndMapsMergeKeyByKey() {
    ResilienceConfig after =
        patched(
            """
            resilience:
              retry:
                policies:
                  inventory: {retryable-statuses: [502]}
              hedge:
                instances:
                  quotes: {delay: {delay: 80ms}}
            """);
    assertThat(after.retry().policies().get("inventory").retryableStatuses()).containsExactly(502);
    assertThat(after.retry().policies().get("inventory").maxAttempts()).isEqualTo(4);
    assertThat(after.hedging().instances().get("quotes").delay().delay())
        .isEqualTo(Duration.ofMillis(80));
    assertThat(after.hedging().instances().get("quotes").delay().strategy().name())
        .isEqualTo("FIXED");
  }

  @Test
  void settingsMatchRelaxedButInstanceNamesExactly() {
    ResilienceConfig after =
        patched(
            """
            resilience:
              circuitBreaker:
                instances:
                  my-api: {minCalls: 7}
                  myApi: {min-calls: 9}
            """);
    assertThat(after.circuitBreaker().instances().get("my-api").minCalls()).isEqualTo(7);
    assertThat(after.circuitBreaker().instances().get("myApi").minCalls()).isEqualTo(9);
    assertThat(after.circuitBreaker().defaults().minCalls()).isEqualTo(10);
  }

  @Test
  void aRefusedPatchNamesTheKeyTheAllowedValuesAndItsLine() {
    assertThatThrownBy(
            () ->
                patched(
                    """
                    resilience:
                      hedge:
                        instances:
                          quotes: {max-hedges: 0}
                    """))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).errors())
                    .extracting(ConfigError::toString)
                    .containsExactly(
                        "resilience.hedge.instances.quotes.max-hedges: must be in [1, 10], was 0"
                            + " (line 4, column 16)"));
  }

  @Test
  void aPatchThatIsNotADocumentIsRefusedWithItsLine() {
    assertThatThrownBy(() -> ConfigPatch.parse("resilience: {a: [1, 2}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid YAML");
    assertThatThrownBy(() -> ConfigPatch.parse("- a\n- b\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("<document>: must be a map with a 'resilience' key, was a list");
    // A whole document may carry other sections; a patch that would change nothing may not.
    assertThatThrownBy(() -> ConfigPatch.parse("resilence: {hedge: {}}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "resilence: unknown key: a patch holds only 'resilience' (did you mean"
                + " 'resilience'?) (line 1, column 1)");
  }

  @Test
  void aNullRootIsRefusedRatherThanResettingEverySetting() {
    for (String yaml : List.of("resilience:\n", "resilience: null\n")) {
      assertThatThrownBy(() -> ConfigPatch.parse(yaml))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(
              "resilience: must be a map of the settings to change, was null (a whole document,"
                  + " not a patch, resets every setting)");
    }
  }

  @Test
  void theConfigurationInForceIsTheDocumentWhenNoneIsKept() {
    ResilienceConfig inForce = YamlConfigLoader.loadString(IN_FORCE);
    ResilienceConfig after =
        ConfigPatch.parse("resilience:\n  hedge:\n    defaults: {max-hedges: 3}\n")
            .applyTo(inForce);
    assertThat(ConfigDiff.between(inForce, after))
        .isEqualTo(List.of("resilience.hedge.defaults.max-hedges: 2 -> 3"));
  }
}
