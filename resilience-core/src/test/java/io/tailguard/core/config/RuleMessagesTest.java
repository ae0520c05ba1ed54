package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.telemetry.TelemetryConfig;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 16, "Configuration messages": a rule between two settings names them by their YAML keys
 * when a document breaks it, and by their Java setters when a builder does. Both messages come from
 * the one declaration of the rule.
 */
class RuleMessagesTest {

  /** A Java name such as maxDelay or latencyInterval: lower case, then an upper-case letter. */
  private static final Pattern CAMEL = Pattern.compile("\\b[a-z]+[A-Z][A-Za-z]*\\b");

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(
            "resilience:\n  retry:\n    policies:\n      default:\n        base-delay: 10s\n",
            "resilience.retry.policies.default: max-delay must be at least base-delay (10s), was"
                + " 5s (line 4, column 7)"),
        Arguments.of(
            "resilience:\n  telemetry:\n    latency-window: 1m\n    latency-interval: 2m\n",
            "resilience.telemetry: latency-interval must be at most latency-window (1m), was 2m"
                + " (line 2, column 3)"),
        Arguments.of(
            "resilience:\n  telemetry:\n    latency-window: 1h\n    latency-interval: 10ms\n",
            "resilience.telemetry: latency-window / latency-interval must be at most 3600, was"
                + " 360000 (line 2, column 3)"),
        Arguments.of(
            "resilience:\n  hedge:\n    defaults:\n      delay: {min-delay: 2s, max-delay: 1s}\n",
            "resilience.hedge.defaults.delay: min-delay must be at most max-delay (1s), was 2s"
                + " (line 4, column 7)"),
        Arguments.of(
            "resilience:\n  hedge:\n    defaults:\n      delay: {recompute-interval: 20s}\n",
            "resilience.hedge.defaults.delay: recompute-interval must be at most window (10s),"
                + " was 20s (line 4, column 7)"),
        Arguments.of(
            "resilience:\n  hedge:\n    defaults:\n"
                + "      retryable-exceptions: [java.io.IOException]\n"
                + "      fatal-exceptions: [java.io.IOException]\n",
            "resilience.hedge.defaults: an exception type must not be both retryable and fatal,"
                + " was java.io.IOException in retryable-exceptions and fatal-exceptions (line 3,"
                + " column 5)"),
        Arguments.of(
            "resilience:\n  circuit-breaker:\n    defaults:\n      critical-health-score: 0.6\n",
            "resilience.circuit-breaker.defaults: critical-health-score must be in [0,"
                + " min-health-score (0.5)], was 0.6 (line 3, column 5)"),
        Arguments.of(
            "resilience:\n  circuit-breaker:\n    defaults:\n      rolling-window: 5ms\n",
            "resilience.circuit-breaker.defaults: rolling-window / buckets must be at least 1ms,"
                + " was rolling-window=5ms, buckets=10 (line 3, column 5)"),
        Arguments.of(
            "resilience:\n  circuit-breaker:\n    defaults:\n      open-cooldown: 10m\n",
            "resilience.circuit-breaker.defaults: max-open-cooldown must be at least open-cooldown"
                + " (10m), was 5m (line 3, column 5)"),
        Arguments.of(
            "resilience:\n  health:\n    interval: 5s\n    timeout: 5s\n",
            "resilience.health: timeout must be less than interval (5s), was 5s (line 2, column"
                + " 3)"),
        Arguments.of(
            "resilience:\n  rate-limiter:\n    defaults:\n      max-keys: 10\n"
                + "      cleanup-threshold: 20\n",
            "resilience.rate-limiter.defaults.cleanup-threshold: must be in [1, max-keys = 10],"
                + " was 20 (line 5, column 7)"));
  }

  @ParameterizedTest
  @MethodSource("rules")
  void aBrokenRuleNamesTheYamlKeys(String yaml, String error) {
    assertThatThrownBy(() -> YamlConfigLoader.loadString(yaml))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.errors()).hasSize(1);
              assertThat(e.errors().get(0)).hasToString(error);
              assertThat(CAMEL.matcher(e.errors().get(0).message()).find())
                  .as("no Java name in %s", e.errors().get(0).message())
                  .isFalse();
            });
  }

  @Test
  void theSameRuleNamesTheJavaSettersForABuilderCaller() {
    assertThatThrownBy(() -> RetryPolicy.builder().baseDelay(Duration.ofSeconds(10)).build())
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay must be at least baseDelay (10s), was 5s");
    assertThatThrownBy(
            () ->
                TelemetryConfig.builder()
                    .latencyWindow(Duration.ofMinutes(1))
                    .latencyInterval(Duration.ofMinutes(2))
                    .build())
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("latencyInterval must be at most latencyWindow (1m), was 2m");
  }
}
