package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An empty value of a list- or map-valued key is an empty list or map: YAML's null ({@code key:}),
 * and the empty string that Spring Boot makes of {@code []}, {@code {}} and of a property or
 * environment variable set to nothing. An empty value of any other key stays an error.
 */
class EmptyValuesTest {

  @Test
  void nullListsAndMapsInYamlAreEmpty() {
    ResilienceConfig c =
        YamlConfigLoader.loadString(
            """
            resilience:
              circuit-breaker:
                defaults:
                  record-exceptions:
                  ignore-exceptions: ''
                instances:
              hedge:
                defaults:
                  fatal-exceptions: ''
                instances: ''
              retry:
                policies:
                  default:
                    retryable-statuses: ''
                    retryable-methods: ''
                    non-retryable-exceptions:
              health:
                providers: ''
              telemetry:
                instances:
              rate-limiter:
                instances: ''
            """);
    ResilienceConfig d = ResilienceConfig.defaults();
    assertThat(c.circuitBreaker()).isEqualTo(d.circuitBreaker());
    assertThat(c.hedging()).isEqualTo(d.hedging());
    assertThat(c.health()).isEqualTo(d.health());
    assertThat(c.telemetry()).isEqualTo(d.telemetry());
    assertThat(c.rateLimiting()).isEqualTo(d.rateLimiting());
    // An empty list of statuses is a real setting: no failure with a status is retried.
    assertThat(c.retry().policies().get("default").retryableStatuses()).isEmpty();
    assertThat(c.retry().policies().get("default").retryableMethods()).isEmpty();
  }

  @Test
  void emptyStringsAsSpringBindsThemAreEmptyListsAndMaps() {
    Map<String, Object> breakerDefaults = new LinkedHashMap<>();
    breakerDefaults.put("record-exceptions", "");
    breakerDefaults.put("ignore-exceptions", "");
    Map<String, Object> breakers = new LinkedHashMap<>();
    breakers.put("defaults", breakerDefaults);
    breakers.put("instances", Map.of("payments", "", "search", Map.of("min-calls", "5")));
    Map<String, Object> root = Map.of("resilience", Map.of("circuit-breaker", breakers));
    ResilienceConfig c =
        YamlConfigLoader.map(ConfigNode.of(root), "properties", getClass().getClassLoader());
    assertThat(c.circuitBreaker().defaults())
        .isEqualTo(ResilienceConfig.defaults().circuitBreaker().defaults());
    assertThat(c.circuitBreaker().instances()).containsKeys("payments", "search");
    assertThat(c.circuitBreaker().instances().get("payments"))
        .isEqualTo(c.circuitBreaker().defaults());
    assertThat(c.circuitBreaker().instances().get("search").minCalls()).isEqualTo(5);
  }

  @Test
  void anEmptyScalarIsStillAnError() {
    assertThatThrownBy(
            () ->
                YamlConfigLoader.loadString(
                    """
                    resilience:
                      circuit-breaker:
                        defaults:
                          open-cooldown: ''
                          min-calls:
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("resilience.circuit-breaker.defaults.open-cooldown")
        .hasMessageContaining("resilience.circuit-breaker.defaults.min-calls");
  }
}
