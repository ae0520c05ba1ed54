package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every PromQL expression of the Grafana dashboard and of the Prometheus alert rules names only
 * meters the starter exports: the names are checked against what the running sample app's {@code
 * /actuator/prometheus} answers, once every engine has done something.
 */
class MonitoringConfigTests extends SampleAppTestSupport {

  static final Path DASHBOARD = Path.of("..", "config", "grafana", "tailguard-dashboard.json");
  static final Path ALERTS = Path.of("..", "config", "prometheus", "alerts.yml");

  /** PromQL words that are not metric names. */
  static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "inf",
          "nan");

  /**
   * Series only a rate limiter on Redis exports; the sample's limiters are in memory. The starter's
   * MonitoringConfigNamesTests sees them registered.
   */
  static final Set<String> REDIS_ONLY = Set.of("resilience_ratelimiter_redis_fallbacks_total");

  static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /**
   * The metric names an expression reads: identifiers that are not functions (followed by a
   * parenthesis), keywords, label names in grouping clauses, label matchers, strings, ranges or
   * Grafana variables.
   */
  static Set<String> metricNames(String expr) {
    String e = expr;
    e = e.replaceAll("label_values\\(([^,)]+)(,[^)]*)?\\)", "$1"); // Grafana: a selector, a label
    e = e.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\""); // strings
    e = e.replaceAll("\\{[^}]*}", " "); // label matchers
    e = e.replaceAll("\\[[^\\]]*]", " "); // ranges
    e = e.replaceAll("\\$\\{?\\w+}?", " "); // Grafana variables
    e = e.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(e);
    while (m.find()) {
      String word = m.group();
      int next = m.end();
      while (next < e.length() && Character.isWhitespace(e.charAt(next))) {
        next++;
      }
      boolean function = next < e.length() && e.charAt(next) == '(';
      boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
      if (!function && !number && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  @Test
  void theTokenizerFindsMetricNamesOnly() {
    assertThat(
            metricNames(
                "histogram_quantile(0.99, sum by (le, name)"
                    + " (rate(resilience_call_duration_seconds_bucket{job=~\"$job\","
                    + " outcome=\"success\"}[$__rate_interval])))"))
        .containsExactly("resilience_call_duration_seconds_bucket");
    assertThat(metricNames("time() - max by (name) (resilience_circuit_last_opened_seconds > 0)"))
        .containsExactly("resilience_circuit_last_opened_seconds");
    assertThat(metricNames("label_values(resilience_circuit_state{job=~\"$job\"}, instance)"))
        .containsExactly("resilience_circuit_state");
    assertThat(metricNames("a == 1 or b{x=\"}\"} == 2 and on (name) c offset 5m"))
        .containsExactly("a", "b", "c");
  }

  static List<String> dashboardExpressions() throws IOException {
    String json = Files.readString(DASHBOARD);
    List<String> exprs = new ArrayList<>(JsonPath.read(json, "$..targets[*].expr"));
    exprs.addAll(JsonPath.read(json, "$.templating.list[*].query.query"));
    return exprs;
  }

  @SuppressWarnings("unchecked")
  static List<String> alertExpressions() throws IOException {
    Map<String, Object> doc;
    try (Reader in = Files.newBufferedReader(ALERTS)) {
      doc = new Yaml().load(in);
    }
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        exprs.add(String.valueOf(rule.get("expr")));
      }
    }
    return exprs;
  }

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
            "resilience_circuit_state",
            "resilience_circuit_state_active",
            "resilience_circuit_calls_total",
            "resilience_circuit_transitions_total",
            "resilience_circuit_health_score",
            "resilience_circuit_success_ratio",
            "resilience_circuit_last_opened_seconds",
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
        .contains("resilience_circuit_state{name=\"__global__\"}")
        .contains("resilience_retry_calls_total{name=\"quotes\",result=\"budget_exhausted\"}");
  }
}
