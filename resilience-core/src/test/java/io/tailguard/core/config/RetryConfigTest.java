package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.retry.HttpStatusCarrier;
import io.tailguard.core.retry.Jitter;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The {@code retry} section: loading, export, and live reload through the runtime. */
class RetryConfigTest {

  static final String DOC =
      """
      resilience:
        retry:
          policies:
            payments:
              max-attempts: 4
              retryable-exceptions: [java.io.IOException]
              non-retryable-exceptions: java.io.FileNotFoundException
              retryable-methods: [get, post, PUT]
            default:
              base-delay: 100ms
              max-delay: 2s
              jitter: equal
              budget: 0.2
              min-retries-per-second: 2
            expensive:
              max-attempts: 6
              budget: off
            search:
              retryable-statuses: "429, 503"
              retryable-methods: "GET, HEAD"
              multiplier: 1.5
              jitter: decorrelated
            forever:
              max-attempts: 1000000
              base-delay: 1ns
              max-delay: 9223372036854775807ns
              jitter: none
              retryable-statuses: []
              retryable-methods: []
      """;

  @Test
  void policiesMergeOntoTheDefaultsAndBuiltInsOntoTheirOwnValues() {
    ResilienceConfig c = YamlConfigLoader.loadString(DOC);
    Map<String, RetryPolicy> p = c.retry().policies();
    assertThat(p).containsOnlyKeys("default", "expensive", "payments", "search", "forever");

    RetryPolicy d = c.retry().defaults();
    assertThat(d.baseDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(d.maxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.jitter()).isEqualTo(Jitter.EQUAL);
    assertThat(d.budget()).hasValue(0.2);
    assertThat(d.minRetriesPerSecond()).isEqualTo(2);
    assertThat(d.maxAttempts()).isEqualTo(3); // built-in

    RetryPolicy payments = p.get("payments");
    assertThat(payments.maxAttempts()).isEqualTo(4);
    assertThat(payments.baseDelay()).isEqualTo(Duration.ofMillis(100)); // from the defaults
    assertThat(payments.jitter()).isEqualTo(Jitter.EQUAL);
    assertThat(payments.retryableExceptions()).containsExactly(IOException.class);
    assertThat(payments.nonRetryableExceptions())
        .containsExactly(java.io.FileNotFoundException.class);
    assertThat(payments.retryableMethods()).containsExactly("GET", "POST", "PUT");
    assertThat(d.retryableMethods())
        .containsExactly("DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"); // built-in

    RetryPolicy expensive = p.get("expensive");
    assertThat(expensive.maxAttempts()).isEqualTo(6);
    assertThat(expensive.baseDelay()).isEqualTo(Duration.ofSeconds(1)); // its built-in value
    assertThat(expensive.budget()).isEmpty();

    RetryPolicy search = p.get("search");
    assertThat(search.retryableStatuses()).containsExactly(429, 503);
    assertThat(search.retryableMethods()).containsExactly("GET", "HEAD");
    assertThat(search.multiplier()).isEqualTo(1.5);
    assertThat(search.jitter()).isEqualTo(Jitter.DECORRELATED);

    RetryPolicy forever = p.get("forever");
    assertThat(forever.maxDelay()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(forever.retryableStatuses()).isEmpty();
    assertThat(forever.retryableMethods()).isEmpty();
  }

  @Test
  void anEmptySectionHasTheBuiltInPoliciesAndExportRoundTrips() {
    assertThat(YamlConfigLoader.loadString("resilience:\n  retry: {}\n").retry())
        .isEqualTo(ResilienceConfig.RetrySection.builtIn());
    assertThat(YamlConfigLoader.loadString("resilience:\n  retry:\n    policies:\n").retry())
        .isEqualTo(ResilienceConfig.RetrySection.builtIn());
    assertThat(ResilienceConfig.defaults().retry().policies()).isEqualTo(RetryPolicy.builtIns());

    ResilienceConfig first = YamlConfigLoader.loadString(DOC);
    String exported = YamlConfigWriter.toYaml(first);
    assertThat(exported)
        .contains("retry:")
        .contains("budget: \"off\"")
        .contains("jitter: decorrelated")
        .contains("retryable-methods:");
    ResilienceConfig second = YamlConfigLoader.loadString(exported);
    assertThat(second).isEqualTo(first);
    assertThat(YamlConfigWriter.toYaml(second)).isEqualTo(exported);
  }

  @Test
  void aRetrySectionBuiltInCodeGetsTheMissingBuiltInsAndRefusesNulls() {
    RetryPolicy quick = RetryPolicy.builder().maxAttempts(2).build();
    ResilienceConfig.RetrySection s = new ResilienceConfig.RetrySection(Map.of("quick", quick));
    assertThat(s.policies()).containsOnlyKeys("default", "expensive", "quick");
    assertThatThrownBy(() -> new ResilienceConfig.RetrySection(null))
        .hasMessage("retry.policies must not be null");
    java.util.Map<String, RetryPolicy> withNull = new java.util.HashMap<>();
    withNull.put("x", null);
    assertThatThrownBy(() -> new ResilienceConfig.RetrySection(withNull))
        .hasMessage("retry.policies.x must not be null");
  }

  static final String V1 =
      """
      resilience:
        retry:
          policies:
            default: {base-delay: 10ms, max-delay: 10ms, jitter: none, budget: off}
            payments: {max-attempts: 2}
            legacy: {max-attempts: 5}
      """;

  static final String V2 =
      """
      resilience:
        retry:
          policies:
            default: {base-delay: 20ms, max-delay: 20ms, jitter: none, budget: off}
            payments: {max-attempts: 4}
            orders: {}
      """;

  /** A failure that tells its HTTP status, as the starter's extractor would read from Spring's. */
  static final class Unavailable extends RuntimeException implements HttpStatusCarrier {
    private static final long serialVersionUID = 1L;

    Unavailable() {
      super("503");
    }

    @Override
    public int httpStatus() {
      return 503;
    }
  }

  @Test
  void theRuntimeBuildsRetriersAndAppliesReloadsKeepingTheirState() throws Exception {
    FakeClock clock = new FakeClock();
    try (ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .config(YamlConfigLoader.loadString(V1))
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .build()) {
      Retrier payments = rt.retriers().retrier("payments");
      AtomicInteger n = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  payments.call(
                      () -> {
                        n.incrementAndGet();
                        throw new Unavailable();
                      }))
          .isInstanceOf(Unavailable.class);
      assertThat(n).hasValue(2);
      assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(10)); // slept through the clock
      assertThat(rt.telemetry().stats(EngineType.RETRY, "payments")).isPresent();
      assertThat(rt.describe()).containsKey("retriers");
      Retrier unnamed = rt.retriers().retrier("unnamed");
      Retrier legacy = rt.retriers().retrier("legacy");

      List<String> changes = rt.apply(YamlConfigLoader.loadString(V2));
      assertThat(changes)
          .contains(
              "resilience.retry.policies.payments.max-attempts: 2 -> 4",
              "resilience.retry.policies.default.base-delay: 10ms -> 20ms",
              "resilience.retry.policies.orders: added",
              "resilience.retry.policies.legacy: removed");
      assertThat(rt.retriers().retrier("payments")).isSameAs(payments);
      assertThat(payments.policy().maxAttempts()).isEqualTo(4);
      assertThat(payments.policy().baseDelay()).isEqualTo(Duration.ofMillis(20));
      assertThat(payments.metrics().calls()).isEqualTo(1); // state kept
      assertThat(unnamed.policy().baseDelay()).isEqualTo(Duration.ofMillis(20));
      assertThat(rt.retriers().find("orders")).isPresent();
      // Dropped from the policies, legacy goes on with the defaults.
      assertThat(rt.retriers().find("legacy")).containsSame(legacy);
      assertThat(legacy.policy()).isEqualTo(rt.config().retry().defaults());
      assertThat(rt.exportYaml()).contains("orders:").doesNotContain("legacy:");
    }
  }

  @Test
  void extractorsGivenToTheRuntimeReachEveryRetrier() {
    FakeClock clock = new FakeClock();
    try (ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .config(YamlConfigLoader.loadString(V1))
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .retryStatusExtractor(
                f ->
                    f instanceof UncheckedIOException
                        ? java.util.OptionalInt.of(404)
                        : java.util.OptionalInt.empty())
            .build()) {
      AtomicInteger n = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  rt.retriers()
                      .retrier("anything")
                      .call(
                          () -> {
                            n.incrementAndGet();
                            throw new UncheckedIOException(new IOException("404"));
                          }))
          .isInstanceOf(UncheckedIOException.class);
      assertThat(n).hasValue(1); // 404 is not retryable
    }
    assertThatThrownBy(() -> ResilienceRuntime.builder().retryStatusExtractor(null))
        .hasMessage("retryStatusExtractor must not be null");
  }
}
