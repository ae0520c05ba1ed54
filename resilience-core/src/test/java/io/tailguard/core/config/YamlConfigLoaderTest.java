package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.circuitbreaker.SampleWeighting;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigLoaderTest {

  static final String FULL =
      """
      spring:
        application:
          name: ignored
      resilience:
        circuit-breaker:
          defaults:
            rolling-window: 20s
            buckets: 20
            min-calls: 10
            failure-rate-threshold: 0.4
            open-cooldown: PT15S
            adaptive-threshold: {enabled: true, sensitivity: 2.5}
            ignore-exceptions: [java.lang.IllegalArgumentException]
          global: {enabled: false, component-open-ratio: 0.75, min-components: 4}
          instances:
            payments:
              failure-rate-threshold: 0.25
              open-health-status: down
              adaptive-threshold: {floor: 0.2}
              half-open-trial-timeout: 5s
            search: {}
        hedge:
          defaults:
            max-hedges: 2
            delay: {strategy: adaptive, warmup-delay: 80ms}
            budget: {max-extra-load: 0.1}
          instances:
            quotes:
              timeout: 2s
              delay: {learning-rate: 0.1}
              fatal-exceptions: java.lang.SecurityException
        health:
          interval: 15s
          timeout: 5s
          failure-threshold: 2
          providers:
            vector-store: {enabled: false}
            database: {interval: 1m, timeout: 2s}
        telemetry:
          sla-target: 250ms
          instances:
            search: {sla-target: 50ms, cost-per-attempt: 0.002}
        rate-limiter:
          backend: memory
          cleanup-threshold: 500
          defaults: {capacity: 100, window: 1m}
          instances:
            search: {capacity: 30, window: 60s}
            embed: {capacity: 60, max-keys: 5000}
      """;

  @Test
  void loadsEverySectionAndMergesInstancesOntoTheDefaults() {
    ResilienceConfig c = YamlConfigLoader.loadString(FULL);
    CircuitConfig d = c.circuitBreaker().defaults();
    assertThat(d.rollingWindow()).isEqualTo(Duration.ofSeconds(20));
    assertThat(d.buckets()).isEqualTo(20);
    assertThat(d.failureRateThreshold()).isEqualTo(0.4);
    assertThat(d.openCooldown()).isEqualTo(Duration.ofSeconds(15));
    assertThat(d.adaptiveThreshold().enabled()).isTrue();
    assertThat(d.adaptiveThreshold().sensitivity()).isEqualTo(2.5);
    assertThat(d.ignoreExceptions()).containsExactly(IllegalArgumentException.class);
    assertThat(c.circuitBreaker().global().enabled()).isFalse();
    assertThat(c.circuitBreaker().global().minComponents()).isEqualTo(4);
    CircuitConfig payments = c.circuitBreaker().instances().get("payments");
    assertThat(payments.failureRateThreshold()).isEqualTo(0.25);
    assertThat(payments.buckets()).isEqualTo(20); // from the defaults
    assertThat(payments.openHealthStatus()).isEqualTo(HealthStatus.DOWN);
    assertThat(payments.adaptiveThreshold().floor()).isEqualTo(0.2);
    assertThat(payments.adaptiveThreshold().sensitivity()).isEqualTo(2.5);
    assertThat(payments.halfOpenTrialTimeout()).hasValue(Duration.ofSeconds(5));
    assertThat(d.halfOpenTrialTimeout()).isEmpty();
    assertThat(c.circuitBreaker().instances().get("search")).isEqualTo(d);
    assertThat(payments.sampleWeighting()).isEqualTo(SampleWeighting.SLIDING);

    HedgeConfig h = c.hedging().defaults();
    assertThat(h.maxHedges()).isEqualTo(2);
    assertThat(h.delay().strategy()).isEqualTo(HedgeDelayType.ADAPTIVE);
    assertThat(h.budget().maxExtraLoad()).isEqualTo(0.1);
    HedgeConfig quotes = c.hedging().instances().get("quotes");
    assertThat(quotes.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(quotes.delay().strategy()).isEqualTo(HedgeDelayType.ADAPTIVE);
    assertThat(quotes.delay().warmupDelay()).isEqualTo(Duration.ofMillis(80));
    assertThat(quotes.delay().learningRate()).isEqualTo(0.1);
    assertThat(quotes.fatalExceptions()).containsExactly(SecurityException.class);
    assertThat(quotes.maxHedges()).isEqualTo(2);

    assertThat(c.health().interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.health().failureThreshold()).isEqualTo(2);
    assertThat(c.health().settingsFor("vector-store").enabled()).isFalse();
    assertThat(c.health().settingsFor("database").interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.health().settingsFor("database").timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.health().settingsFor("database").failureThreshold()).isEqualTo(2);
    assertThat(c.telemetry().slaTarget()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.telemetry().slaTargetOf("search")).isEqualTo(Duration.ofMillis(50));
    assertThat(c.telemetry().costPerAttemptOf("search")).isEqualTo(0.002);
    assertThat(c.telemetry().costPerAttemptOf("other")).isEqualTo(1.0);
  }

  @Test
  void percentileIsAutoByDefaultAndMayBeSpelledOutEitherWay() {
    ResilienceConfig auto =
        YamlConfigLoader.loadString(
            "resilience:\n  hedge:\n    defaults:\n      delay: {percentile: AUTO}\n");
    assertThat(auto.hedging().defaults().delay().percentile()).isEmpty();
    ResilienceConfig fixed =
        YamlConfigLoader.loadString(
            "resilience:\n  hedge:\n    defaults:\n      delay: {percentile: 99.5}\n");
    assertThat(fixed.hedging().defaults().delay().percentile()).hasValue(99.5);
    assertThat(YamlConfigWriter.hedge(auto.hedging().defaults()).get("delay"))
        .asString()
        .contains("percentile=auto");
  }

  @Test
  void halfOpenTrialTimeoutIsAutoByDefaultAndAnInstanceMayGoBackToAuto() {
    ResilienceConfig c =
        YamlConfigLoader.loadString(
            """
            resilience:
              circuit-breaker:
                defaults: {half-open-trial-timeout: PT20S, slow-call-duration: 3s}
                instances:
                  payments: {half-open-trial-timeout: Auto}
                  search: {}
            """);
    CircuitConfig d = c.circuitBreaker().defaults();
    CircuitConfig payments = c.circuitBreaker().instances().get("payments");
    assertThat(d.halfOpenTrialTimeout()).hasValue(Duration.ofSeconds(20));
    assertThat(c.circuitBreaker().instances().get("search").halfOpenTrialTimeout())
        .hasValue(Duration.ofSeconds(20));
    assertThat(payments.halfOpenTrialTimeout()).isEmpty();
    assertThat(payments.effectiveHalfOpenTrialTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(YamlConfigWriter.circuit(payments)).containsEntry("half-open-trial-timeout", "auto");
    assertThat(YamlConfigWriter.circuit(d)).containsEntry("half-open-trial-timeout", "20s");
  }

  @Test
  void emptyDocumentsGiveTheDefaults() {
    assertThat(YamlConfigLoader.loadString("")).isEqualTo(ResilienceConfig.defaults());
    assertThat(YamlConfigLoader.loadString("resilience:\n")).isEqualTo(ResilienceConfig.defaults());
    assertThat(YamlConfigLoader.loadString("resilience: {}"))
        .isEqualTo(ResilienceConfig.defaults());
  }

  @Test
  void rateLimitingTakesSectionWideKeyLimitsDefaultsAndOperations() {
    ResilienceConfig.RateLimitingSection rl = YamlConfigLoader.loadString(FULL).rateLimiting();
    assertThat(rl.backend()).isEqualTo(io.tailguard.core.ratelimiter.RateLimitBackend.MEMORY);
    assertThat(rl.defaults().capacity()).isEqualTo(100);
    assertThat(rl.defaults().window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(rl.defaults().cleanupThreshold()).isEqualTo(500);
    assertThat(rl.instances().get("search").capacity()).isEqualTo(30);
    assertThat(rl.instances().get("search").cleanupThreshold()).isEqualTo(500);
    assertThat(rl.instances().get("embed").window()).isEqualTo(Duration.ofMinutes(1));
    assertThat(rl.instances().get("embed").maxKeys()).isEqualTo(5000);
  }

  @Test
  void roundTripLoadExportLoadIsIdentity() {
    ResilienceConfig first = YamlConfigLoader.loadString(FULL);
    String exported = YamlConfigWriter.toYaml(first);
    ResilienceConfig second = YamlConfigLoader.loadString(exported);
    assertThat(second).isEqualTo(first);
    assertThat(YamlConfigWriter.toYaml(second)).isEqualTo(exported);
    ResilienceConfig defaults = ResilienceConfig.defaults();
    assertThat(YamlConfigLoader.loadString(YamlConfigWriter.toYaml(defaults))).isEqualTo(defaults);
  }

  @Test
  void loadsFilesAndReportsTheirName(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("resilience.yml");
    Files.writeString(file, "resilience:\n  hedge:\n    defaults:\n      max-hedges: 0\n");
    assertThatThrownBy(() -> YamlConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration in "
                + file
                + ": resilience.hedge.defaults.max-hedges: must be in [1, 10], was 0"
                + " (line 4, column 7)");
  }

  @Test
  void reportsEveryProblemNotOnlyTheFirst() {
    String yaml =
        """
        resilience:
          circuit-breaker:
            defaults:
              buckets: 0
              min-calls: many
          hedge:
            defaults:
              max-hedge: 3
        """;
    assertThatThrownBy(() -> YamlConfigLoader.loadString(yaml))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::path)
                    .containsExactly(
                        "resilience.circuit-breaker.defaults.buckets",
                        "resilience.circuit-breaker.defaults.min-calls",
                        "resilience.hedge.defaults.max-hedge"));
  }

  @Test
  void mapsPlainJavaTreesWithoutPositions() {
    Map<String, Object> tree =
        Map.of(
            "resilience",
            Map.of(
                "hedge",
                Map.of("defaults", Map.of("max-hedges", 3, "timeout", Duration.ofSeconds(1)))));
    ResilienceConfig c = YamlConfigLoader.map(ConfigNode.of(tree), "properties", null);
    assertThat(c.hedging().defaults().maxHedges()).isEqualTo(3);
    assertThatThrownBy(
            () ->
                YamlConfigLoader.map(
                    ConfigNode.of(
                        Map.of("resilience", Map.of("hedge", Map.of("defaults", List.of())))),
                    "properties",
                    null))
        .hasMessage(
            "Invalid configuration in properties: resilience.hedge.defaults: must be a map, was a"
                + " list");
  }

  @Test
  void keysMatchRelaxedlyAsSpringBindsThemAndIndexedMapsCountAsLists() {
    Map<String, Object> tree =
        Map.of(
            "resilience",
            Map.of(
                "hedge",
                Map.of(
                    "defaults",
                    Map.of(
                        "maxhedges",
                        "3", // from RESILIENCE_HEDGING_DEFAULTS_MAXHEDGES
                        "fatalExceptions",
                        Map.of("0", "java.lang.SecurityException")))));
    ResilienceConfig c = YamlConfigLoader.map(ConfigNode.of(tree), "environment", null);
    assertThat(c.hedging().defaults().maxHedges()).isEqualTo(3);
    assertThat(c.hedging().defaults().fatalExceptions()).containsExactly(SecurityException.class);
  }
}
