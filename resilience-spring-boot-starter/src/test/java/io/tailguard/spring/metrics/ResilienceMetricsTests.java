package io.tailguard.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.ratelimit.RateLimiter;
import io.tailguard.core.ratelimit.redis.RedisFailurePolicy;
import io.tailguard.core.ratelimit.redis.RedisRateLimiterStore;
import io.tailguard.core.runtime.ResilienceRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters of the binders, as Prometheus scrapes them. */
class ResilienceMetricsTests {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void close() {
    registry.close();
  }

  static void bind(ResilienceRuntime rt, PrometheusMeterRegistry registry) {
    new ResilienceMetrics(rt.circuitBreakers(), rt.hedgers(), rt.health(), rt.telemetry())
        .bindTo(registry);
    new RateLimiterMetrics(rt.rateLimiters()).bindTo(registry);
    new RetrierMetrics(rt.retriers()).bindTo(registry);
  }

  /** The value of one series, or {@code null} if it is not exported. */
  Double value(String series) {
    var m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(registry.scrape());
    return m.find() ? Double.valueOf(m.group(1)) : null;
  }

  void assertOnlyActive(String name, CircuitState active) {
    for (CircuitState s : CircuitState.values()) {
      String state = s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      assertThat(
              value(
                  "resilience_circuit_state_active{name=\"" + name + "\",state=\"" + state + "\"}"))
          .as(name + " " + state)
          .isEqualTo(s == active ? 1.0 : 0.0);
    }
  }

  @Test
  void theStateIsAlsoOneZeroOrOneSeriesPerState() {
    try (ResilienceRuntime rt = ResilienceRuntime.builder().build()) {
      bind(rt, registry);
      CircuitBreaker b = rt.circuitBreakers().breaker("payments");
      assertOnlyActive("payments", CircuitState.CLOSED);
      assertOnlyActive("__global__", CircuitState.CLOSED);

      b.forceOpen();
      assertOnlyActive("payments", CircuitState.FORCED_OPEN);
      assertThat(value("resilience_circuit_state{name=\"payments\"}")).isEqualTo(3.0);

      b.disable();
      assertOnlyActive("payments", CircuitState.DISABLED);
      assertThat(value("resilience_circuit_state{name=\"payments\"}")).isEqualTo(4.0);

      // A removed breaker's series go with it.
      rt.circuitBreakers().remove("payments");
      assertThat(registry.scrape())
          .doesNotContain("resilience_circuit_state{name=\"payments\"")
          .doesNotContain("resilience_circuit_state_active{name=\"payments\"");
    }
  }

  @Test
  void hedgesTheExecutorRefusedAreCounted() throws Exception {
    try (ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .executor(
                r -> {
                  throw new RejectedExecutionException("full");
                })
            .build()) {
      bind(rt, registry);
      var h = rt.hedgers().hedger("search");
      assertThat(value("resilience_hedge_executor_refusals_total{name=\"search\"}")).isZero();
      // A refused primary runs on the caller's thread.
      String answer = h.call(ctx -> "inline");
      assertThat(answer).isEqualTo("inline");
      assertThat(value("resilience_hedge_executor_refusals_total{name=\"search\"}")).isEqualTo(1.0);
    }
  }

  @Test
  void requestsARedisLimiterDecidedWithoutRedisAreCountedWithThePolicy() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String uri = "redis://127.0.0.1:" + port;
    try (ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .rateLimiterStores(
                name ->
                    RedisRateLimiterStore.builder(name)
                        .uri(uri)
                        .failurePolicy(RedisFailurePolicy.FAIL_OPEN)
                        .build())
            .build()) {
      bind(rt, registry);
      RateLimiter l = rt.rateLimiters().limiter("search");
      for (int i = 0; i < 3; i++) {
        assertThat(l.tryAcquire("k")).isTrue();
      }
      assertThat(
              value(
                  "resilience_ratelimiter_redis_fallbacks_total{name=\"search\",policy=\"fail-open\"}"))
          .isEqualTo(3.0);
      // Labels carry the limiter, never the key.
      assertThat(registry.scrape()).doesNotContain("\"k\"");
    }
  }

  @Test
  void anInMemoryLimiterHasNoRedisFallbacks() {
    try (ResilienceRuntime rt = ResilienceRuntime.builder().build()) {
      bind(rt, registry);
      rt.rateLimiters().limiter("search").tryAcquire("k");
      assertThat(registry.scrape())
          .contains(
              "resilience_ratelimiter_requests_total{name=\"search\",result=\"permitted\"} 1.0")
          .doesNotContain("resilience_ratelimiter_redis_fallbacks_total");
    }
  }

  @Test
  void callDurationsHaveNoBucketsUnlessTurnedOn() throws Exception {
    try (ResilienceRuntime rt = ResilienceRuntime.builder().build()) {
      bind(rt, registry);
      rt.circuitBreakers().breaker("payments").call(() -> "ok");
      assertThat(registry.scrape())
          .contains(
              "resilience_call_duration_seconds_count{engine=\"circuit-breaker\",name=\"payments\",outcome=\"success\"}"
                  + " 1")
          .doesNotContain("resilience_call_duration_seconds_bucket");
    }
  }
}
