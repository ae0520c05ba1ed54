package io.tailguard.spring.metrics;

import static io.tailguard.spring.metrics.MonitoringConfigFiles.IDENTIFIER;
import static io.tailguard.spring.metrics.MonitoringConfigFiles.alertExpressions;
import static io.tailguard.spring.metrics.MonitoringConfigFiles.dashboardExpressions;
import static io.tailguard.spring.metrics.MonitoringConfigFiles.metricNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.health.HealthCheckResult;
import io.tailguard.core.health.HealthProbe;
import io.tailguard.core.ratelimiter.InMemoryRateLimiterStore;
import io.tailguard.core.ratelimiter.redis.RedisFailurePolicy;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.Clock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL expression of config/grafana's dashboard and config/prometheus's alert rules names
 * only series the starter's binders register: the names are checked against a Prometheus scrape of
 * the binders after every engine has done something, the Redis fallback and the hedge executor's
 * refusal included, with the percentile histograms on that the dashboard's latency panel needs.
 */
class MonitoringConfigNamesTests {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final ExecutorService pool = Executors.newCachedThreadPool();
  final AtomicBoolean refuse = new AtomicBoolean();

  @BeforeEach
  void histograms() {
    // What management.metrics.distribution.percentiles-histogram.resilience.call.duration=true
    // does in Spring Boot (OneTimerPerCallTests checks the property itself).
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("resilience.call.duration")
                    ? DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .build()
                        .merge(config)
                    : config;
              }
            });
  }

  @AfterEach
  void close() throws InterruptedException {
    registry.close();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theTokenizerFindsMetricNamesOnly() {
    assertThat(
            metricNames(
                "histogram_quantile(0.99, sum by (le, name)"
                    + " (rate(resilience_call_duration_seconds_bucket{job=~\"$job\","
                    + " outcome=\"success\"}[$__rate_interval])))"))
        .containsExactly("resilience_call_duration_seconds_bucket");
    assertThat(metricNames("sum by (name) (resilience_ratelimiter_keys{job=~\"$job\"} >= 0)"))
        .containsExactly("resilience_ratelimiter_keys");
    assertThat(
            metricNames(
                "time() - max by (name) (resilience_circuitbreaker_last_opened_seconds > 0)"))
        .containsExactly("resilience_circuitbreaker_last_opened_seconds");
    assertThat(
            metricNames("label_values(resilience_circuitbreaker_state{job=~\"$job\"}, instance)"))
        .containsExactly("resilience_circuitbreaker_state");
    assertThat(metricNames("a == 1 or b{x=\"}\"} == 2 and on (name) c offset 5m"))
        .containsExactly("a", "b", "c");
  }

  /** Names of the series exported after every engine did something, as Prometheus scrapes them. */
  Set<String> exercisedAndScraped() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String down = "redis://127.0.0.1:" + port;
    Set<String> names = new TreeSet<>();
    try (ResilienceRuntime rt =
        ResilienceRuntime.builder()
            .executor(
                r -> {
                  if (refuse.get()) {
                    throw new RejectedExecutionException("full");
                  }
                  pool.execute(r);
                })
            .rateLimiterStores(
                name ->
                    name.equals("shared")
                        ? RedisRateLimiterStore.builder(name)
                            .uri(down)
                            .failurePolicy(RedisFailurePolicy.LOCAL)
                            .build()
                        : new InMemoryRateLimiterStore(Clock.system()))
            .build()) {
      ResilienceMetricsTests.bind(rt, registry);
      // Breakers: calls, a rejection, transitions.
      CircuitBreaker b = rt.circuitBreakers().breaker("payments");
      b.call(() -> "ok");
      b.forceOpen();
      try {
        b.call(() -> "refused");
      } catch (CircuitRejectedException expected) {
        // counted as rejected
      }
      b.reset();
      // Hedging: a call, and one whose primary the executor refuses.
      String answer = rt.hedgers().hedger("search").call(ctx -> "ok");
      assertThat(answer).isEqualTo("ok");
      refuse.set(true);
      answer = rt.hedgers().hedger("search").call(ctx -> "inline");
      assertThat(answer).isEqualTo("inline");
      // Retries, rate limits (one in memory, one on a Redis that is down), a probe.
      assertThat(rt.retriers().retrier("default").call(() -> "ok")).isEqualTo("ok");
      assertThat(rt.rateLimiters().limiter("search").tryAcquire("k")).isTrue();
      rt.rateLimiters().limiter("shared").tryAcquire("k");
      rt.health().register(HealthProbe.of("db", HealthCheckResult::up));

      for (String line : registry.scrape().split("\n")) {
        Matcher m = IDENTIFIER.matcher(line);
        if (!line.startsWith("#") && m.lookingAt()) {
          names.add(m.group());
        }
      }
    }
    return names;
  }

  @Test
  void everyDashboardAndAlertExpressionNamesOnlyRegisteredSeries() throws Exception {
    Set<String> exported = exercisedAndScraped();
    // The new meters are among them, with their labels.
    assertThat(registry.scrape())
        .contains(
            "resilience_circuitbreaker_state_active{name=\"payments\",state=\"disabled\"} 0.0")
        .contains("resilience_hedge_executor_refusals_total{name=\"search\"} 1.0")
        .contains("resilience_ratelimiter_redis_fallbacks_total{name=\"shared\",policy=\"local\"}");

    List<String> dashboard = dashboardExpressions();
    List<String> alerts = alertExpressions();
    assertThat(dashboard).hasSizeGreaterThan(15);
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
    Set<String> used = new TreeSet<>();
    for (String expr : concat(dashboard, alerts)) {
      Set<String> names = metricNames(expr);
      assertThat(names).as(expr).isNotEmpty().allMatch(n -> n.startsWith("resilience_"));
      assertThat(exported).as(expr).containsAll(names);
      used.addAll(names);
    }
    // Between them, the dashboard and the alerts read every family of the starter.
    assertThat(used)
        .contains(
            "resilience_circuitbreaker_state",
            "resilience_circuitbreaker_state_active",
            "resilience_circuitbreaker_calls_total",
            "resilience_circuitbreaker_transitions_total",
            "resilience_circuitbreaker_health_score",
            "resilience_circuitbreaker_success_ratio",
            "resilience_circuitbreaker_last_opened_seconds",
            "resilience_call_duration_seconds_bucket",
            "resilience_call_duration_seconds_count",
            "resilience_hedge_calls_total",
            "resilience_hedge_attempts_total",
            "resilience_hedge_budget_exhausted_total",
            "resilience_hedge_executor_refusals_total",
            "resilience_hedge_delay_seconds",
            "resilience_retry_calls_total",
            "resilience_retry_retries_total",
            "resilience_ratelimiter_requests_total",
            "resilience_ratelimiter_keys",
            "resilience_ratelimiter_redis_fallbacks_total",
            "resilience_health_status");
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
