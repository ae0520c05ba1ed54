package io.tailguard.sample;

import static io.tailguard.spring.metrics.MonitoringConfigFiles.IDENTIFIER;
import static io.tailguard.spring.metrics.MonitoringConfigFiles.alertExpressions;
import static io.tailguard.spring.metrics.MonitoringConfigFiles.dashboardExpressions;
import static io.tailguard.spring.metrics.MonitoringConfigFiles.metricNames;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Every PromQL expression of the Grafana dashboard and of the Prometheus alert rules names only
 * meters the starter exports: the names are checked against what the running sample app's {@code
 * /actuator/prometheus} answers, once every engine has done something.
 */
class MonitoringConfigTests extends SampleAppTestSupport {

  /**
   * Series only a rate limiter on Redis exports; the sample's limiters are in memory. The starter's
   * MonitoringConfigNamesTests sees them registered.
   */
  static final Set<String> REDIS_ONLY = Set.of("resilience_ratelimiter_redis_fallbacks_total");

  /**
   * Names of the series the app exports now, as Prometheus scrapes them, and those only a Redis
   * limiter would export.
   */
  Set<String> exported() {
    Set<String> names = new TreeSet<>(REDIS_ONLY);
    for (String line : metrics().split("\n")) {
      Matcher m = IDENTIFIER.matcher(line);
      if (!line.startsWith("#") && m.lookingAt()) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** Makes every engine produce its meters: calls, a transition, a refusal, a retry. */
  void exerciseEveryEngine() {
    for (int i = 0; i < 5; i++) {
      assertThat(get("/quotes/M" + i).statusCode()).isEqualTo(200);
      assertThat(get("/baseline/quotes/M" + i).statusCode()).isEqualTo(200);
    }
    String key = "monitoring-" + System.nanoTime();
    for (int i = 0; i < 4; i++) {
      get("/search?q=meters", key);
    }
    breakers.breaker("quotes-baseline").forceOpen();
    breakers.breaker("quotes-baseline").reset();
  }

  @Test
  void everyDashboardExpressionNamesOnlyExportedMeters() throws IOException {
    exerciseEveryEngine();
    Set<String> exported = exported();
    List<String> exprs = dashboardExpressions();
    assertThat(exprs).hasSizeGreaterThan(15);
    Set<String> used = new TreeSet<>();
    for (String expr : exprs) {
      Set<String> names = metricNames(expr);
      assertThat(names).as(expr).isNotEmpty().allMatch(n -> n.startsWith("resilience_"));
      assertThat(exported).as(expr).containsAll(names);
      used.addAll(names);
    }
    // The dashboard covers every family of the design's table.
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
            "resilience_hedge_calls_total",
            "resilience_hedge_attempts_total",
            "resilience_hedge_budget_exhausted_total",
            "resilience_hedge_executor_refusals_total",
            "resilience_hedge_delay_seconds",
            "resilience_retry_calls_total",
            "resilience_ratelimiter_requests_total",
            "resilience_ratelimiter_keys",
            "resilience_health_status");
  }

  @Test
  void everyAlertExpressionNamesOnlyExportedMeters() throws IOException {
    exerciseEveryEngine();
    Set<String> exported = exported();
    List<String> exprs = alertExpressions();
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(4);
    for (String expr : exprs) {
      assertThat(metricNames(expr)).as(expr).isNotEmpty();
      assertThat(exported).as(expr).containsAll(metricNames(expr));
    }
    // The alerts on the global fuse and on retry budgets rely on these series.
    assertThat(metrics())
        .contains("resilience_circuitbreaker_state{name=\"__global__\"}")
        .contains("resilience_retry_calls_total{name=\"quotes\",result=\"budget_exhausted\"}");
  }
}
