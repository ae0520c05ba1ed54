package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.health.HealthConfig.ProbeOverride;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every invalid setting and argument of the health engine gets an {@link IllegalArgumentException}
 * naming the field, the allowed values and the value given; never a {@link NullPointerException},
 * never a silent clamp, and the registry keeps running.
 */
class HealthBadInputTest {

  final FakeClock clock = new FakeClock();
  final ScriptedProbe probe = new ScriptedProbe("db", clock);
  final HealthRegistry health =
      HealthRegistry.builder()
          .clock(clock)
          .scheduler(clock)
          .executor(Runnable::run)
          .probe(probe)
          .build();

  @AfterEach
  void stillRunning() {
    // Whatever was refused, the registry goes on working.
    clock.advance(health.config().interval());
    assertThat(probe.calls()).isGreaterThanOrEqualTo(1);
    assertThat(health.status("db")).isEqualTo(HealthStatus.UP);
    health.close();
  }

  static void refused(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  // -------------------------------------------------------------------------------------------
  // HealthConfig

  @Test
  void intervalOutOfRange() {
    HealthConfig.Builder b = HealthConfig.builder();
    refused(() -> b.interval(null), "interval must not be null");
    refused(() -> b.interval(Duration.ZERO), "interval must be in [1ms, 1d], was 0ms");
    refused(() -> b.interval(Duration.ofSeconds(-1)), "interval must be in [1ms, 1d], was -1s");
    refused(
        () -> b.interval(Duration.ofNanos(999_999)), "interval must be in [1ms, 1d], was 999999ns");
    refused(
        () -> b.interval(Duration.ofDays(1).plusNanos(1)),
        "interval must be in [1ms, 1d], was 86400000000001ns");
    refused(
        () -> b.interval(Duration.ofSeconds(Long.MAX_VALUE)),
        "interval must be in [1ms, 1d], was PT2562047788015215H30M7S");
  }

  @Test
  void timeoutOutOfRange() {
    HealthConfig.Builder b = HealthConfig.builder();
    refused(() -> b.timeout(null), "timeout must not be null");
    refused(() -> b.timeout(Duration.ZERO), "timeout must be in [1ms, 1d], was 0ms");
    refused(() -> b.timeout(Duration.ofMillis(-5)), "timeout must be in [1ms, 1d], was -5ms");
    refused(() -> b.timeout(Duration.ofDays(2)), "timeout must be in [1ms, 1d], was 2d");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 1001, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void failureThresholdOutOfRange(int threshold) {
    refused(
        () -> HealthConfig.builder().failureThreshold(threshold),
        "failureThreshold must be in [1, 1000], was " + threshold);
    refused(
        () -> ProbeOverride.builder().failureThreshold(threshold),
        "failureThreshold must be in [1, 1000], was " + threshold);
  }

  @Test
  void timeoutMustBeShorterThanInterval() {
    refused(
        () -> HealthConfig.builder().interval(Duration.ofSeconds(10)).build(),
        "timeout must be less than interval (10s), was 10s");
    refused(
        () -> HealthConfig.builder().interval(Duration.ofSeconds(5)).build(),
        "timeout must be less than interval (5s), was 10s");
    refused(
        () ->
            HealthConfig.builder()
                .probe(
                    "vector-store", ProbeOverride.builder().timeout(Duration.ofSeconds(30)).build())
                .build(),
        "probes.vector-store.timeout must be less than probes.vector-store.interval (30s), was"
            + " 30s");
    refused(
        () ->
            HealthConfig.builder()
                .probe("fast", ProbeOverride.builder().interval(Duration.ofSeconds(2)).build())
                .build(),
        "probes.fast.timeout must be less than probes.fast.interval (2s), was 10s");
    // Changing the defaults can break an override that inherits from them: refused too.
    HealthConfig ok =
        HealthConfig.builder()
            .probe("fast", ProbeOverride.builder().interval(Duration.ofSeconds(12)).build())
            .build();
    refused(
        () ->
            ok.toBuilder().timeout(Duration.ofSeconds(15)).interval(Duration.ofMinutes(1)).build(),
        "probes.fast.timeout must be less than probes.fast.interval (12s), was 15s");
  }

  @Test
  void probeOverrideNames() {
    HealthConfig.Builder b = HealthConfig.builder();
    ProbeOverride o = ProbeOverride.enabled(true);
    refused(() -> b.probe(null, o), "health probe name must not be null");
    String rule =
        "health probe name must be 1 to 128 letters, digits or . _ - : / starting with a letter"
            + " or digit, was ";
    refused(() -> b.probe("", o), rule + "''");
    refused(() -> b.probe("   ", o), rule + "'   '");
    refused(() -> b.probe("vector store", o), rule + "'vector store'");
    refused(() -> b.probe("-leading", o), rule + "'-leading'");
    refused(() -> b.probe("a\u0000b\nc", o), rule + "'a?b?c'");
    refused(() -> b.probe("x".repeat(10_000), o), rule + "'" + "x".repeat(64) + "...'");
    refused(() -> b.probe("vector-store", null), "probes.vector-store must not be null");
    refused(() -> b.removeProbe(null), "probe name must not be null");
  }

  @Test
  void probeOverrideValues() {
    HealthConfig.OverrideBuilder b = ProbeOverride.builder();
    refused(() -> b.interval(null), "interval must not be null");
    refused(() -> b.interval(Duration.ZERO), "interval must be in [1ms, 1d], was 0ms");
    refused(() -> b.timeout(null), "timeout must not be null");
    refused(() -> b.timeout(Duration.ofDays(3)), "timeout must be in [1ms, 1d], was 3d");
  }

  @Test
  void settingsForNull() {
    refused(() -> HealthConfig.defaults().settingsFor(null), "probe must not be null");
  }

  // -------------------------------------------------------------------------------------------
  // HealthCheckResult and HealthProbe

  @Test
  void resultArguments() {
    refused(
        () -> new HealthCheckResult(null, Map.of()),
        "status must be one of [UP, DEGRADED, DOWN], was null");
    refused(
        () -> HealthCheckResult.of(HealthStatus.UP, null),
        "details must not be null (use an empty map)");
    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, 1);
    refused(
        () -> HealthCheckResult.up(nullKey), "details keys must not be null or blank, was null");
    refused(
        () -> HealthCheckResult.up(Map.of(" ", 1)),
        "details keys must not be null or blank, was ' '");
    Map<String, Object> nullValue = new HashMap<>();
    nullValue.put("version", null);
    refused(() -> HealthCheckResult.up(nullValue), "details['version'] must not be null");
    refused(() -> HealthCheckResult.degraded(null), "reason must not be null");
    refused(() -> HealthCheckResult.down(null), "reason must not be null");
    refused(
        () -> HealthCheckResult.up().withDetail(null, 1),
        "details keys must not be null or blank, was null");
    refused(() -> HealthCheckResult.up().withDetail("k", null), "details['k'] must not be null");
  }

  @Test
  void resultDetailsCannotBeChangedAfterwards() {
    Map<String, Object> details = new HashMap<>(Map.of("a", 1));
    HealthCheckResult r = HealthCheckResult.up(details);
    details.put("b", 2);
    assertThat(r.details()).containsOnlyKeys("a");
    assertThatThrownBy(() -> r.details().put("c", 3))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void probeFactoryArguments() {
    refused(
        () -> HealthProbe.of(null, HealthCheckResult::up), "health probe name must not be null");
    refused(
        () -> HealthProbe.of("no spaces", HealthCheckResult::up),
        "health probe name must be 1 to 128 letters, digits or . _ - : / starting with a letter"
            + " or digit, was 'no spaces'");
    refused(() -> HealthProbe.of("db", null), "check of health probe 'db' must not be null");
  }

  // -------------------------------------------------------------------------------------------
  // HealthRegistry.Builder

  @Test
  void builderArguments() {
    HealthRegistry.Builder b = HealthRegistry.builder();
    refused(() -> b.config(null), "config must not be null");
    refused(() -> b.clock(null), "clock must not be null");
    refused(() -> b.scheduler(null), "scheduler must not be null");
    refused(() -> b.executor(null), "executor must not be null");
    refused(() -> b.probe(null), "probe must not be null");
    refused(() -> b.probeThreads(0), "probeThreads must be in [1, 256], was 0");
    refused(() -> b.probeThreads(257), "probeThreads must be in [1, 256], was 257");
    refused(() -> b.probeThreads(-3), "probeThreads must be in [1, 256], was -3");
    refused(() -> b.shutdownGrace(null), "shutdownGrace must not be null");
    refused(
        () -> b.shutdownGrace(Duration.ofMillis(-1)),
        "shutdownGrace must be in [0ms, 5m], was -1ms");
    refused(
        () -> b.shutdownGrace(Duration.ofMinutes(6)), "shutdownGrace must be in [0ms, 5m], was 6m");
    b.probe(HealthProbe.of("db", HealthCheckResult::up));
    refused(
        () -> b.probe(HealthProbe.of("db", HealthCheckResult::up)),
        "health probe 'db' is already registered");
  }

  @Test
  void probeThreadsTogetherWithAnExecutorIsRefused() {
    refused(
        () -> HealthRegistry.builder().executor(Runnable::run).probeThreads(8).build(),
        "probeThreads sizes the default executor and must not be set together with an executor,"
            + " was probeThreads=8");
  }

  /** A probe implementation whose name() misbehaves. */
  static HealthProbe named(java.util.function.Supplier<String> name) {
    return new HealthProbe() {
      @Override
      public String name() {
        return name.get();
      }

      @Override
      public HealthCheckResult check() {
        return HealthCheckResult.up();
      }
    };
  }

  @Test
  void probesWithBadNamesAreRefused() {
    refused(() -> health.register(named(() -> null)), "health probe name must not be null");
    refused(
        () -> health.register(named(() -> "a b")),
        "health probe name must be 1 to 128 letters, digits or . _ - : / starting with a letter"
            + " or digit, was 'a b'");
    assertThatThrownBy(
            () ->
                health.register(
                    named(
                        () -> {
                          throw new IllegalStateException("not ready");
                        })))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name() of health probe")
        .hasMessageContaining("threw java.lang.IllegalStateException: not ready");
    refused(
        () -> health.register(new ScriptedProbe("db", clock)),
        "health probe 'db' is already registered");
    refused(() -> health.register(null), "probe must not be null");
    assertThat(health.names()).containsExactly("db");
  }

  // -------------------------------------------------------------------------------------------
  // HealthRegistry

  @Test
  void lookupsOfUnknownOrInvalidNames() {
    refused(() -> health.report(null), "health probe name must not be null");
    refused(() -> health.status(null), "health probe name must not be null");
    assertThatThrownBy(() -> health.report("../etc/passwd\u0000"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("was '../etc/passwd?'");
    assertThatThrownBy(() -> health.status("cache"))
        .isExactlyInstanceOf(UnknownInstanceException.class)
        .hasMessage("unknown health probe 'cache': the registry is strict and knows only [db]");
    assertThat(health.find(null)).isEmpty();
    assertThat(health.find("x".repeat(100_000))).isEmpty();
    assertThat(health.remove("no such probe")).isEmpty();
  }

  @Test
  void reconfigureArguments() {
    HealthConfig before = health.config();
    refused(() -> health.reconfigure((HealthConfig) null), "config must not be null");
    refused(
        () -> health.reconfigure((UnaryOperator<HealthConfig.Builder>) null),
        "changes must not be null");
    refused(
        () -> health.reconfigure(b -> null), "the builder returned by changes must not be null");
    refused(
        () -> health.reconfigure(b -> b.failureThreshold(0)),
        "failureThreshold must be in [1, 1000], was 0");
    refused(
        () -> health.reconfigure(b -> b.interval(Duration.ofSeconds(1))),
        "timeout must be less than interval (1s), was 10s");
    refused(
        () -> health.reconfigure(null, ProbeOverride.enabled(true)),
        "health probe name must not be null");
    refused(() -> health.reconfigure("db", null), "probes.db must not be null");
    refused(
        () ->
            health.reconfigure(
                "db", ProbeOverride.builder().timeout(Duration.ofMinutes(1)).build()),
        "probes.db.timeout must be less than probes.db.interval (30s), was 1m");
    assertThat(health.config()).isSameAs(before);
  }

  @Test
  void sourceAndListenerArguments() {
    refused(() -> health.addBreakers(null), "registry must not be null");
    refused(() -> health.addBreaker(null), "breaker must not be null");
    refused(() -> health.subscribe(null), "listener must not be null");
  }
}
