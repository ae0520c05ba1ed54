package io.tailguard.spring.metrics;

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
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped monitoring configuration as metric names: the Grafana dashboard's and the Prometheus
 * alerts' expressions, and a small PromQL reader that finds the metric names in one. A test fixture
 * shared by the starter's {@code MonitoringConfigNamesTests} and the sample app's test (through the
 * starter's test-jar); paths are relative to a module directory. Stateless and thread-safe.
 */
public final class MonitoringConfigFiles {

  /** The Grafana dashboard, from a module directory. */
  public static final Path DASHBOARD =
      Path.of("..", "config", "grafana", "tailguard-dashboard.json");

  /** The Prometheus alert rules, from a module directory. */
  public static final Path ALERTS = Path.of("..", "config", "prometheus", "alerts.yml");

  /** PromQL words that are not metric names. */
  private static final Set<String> KEYWORDS =
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

  /** A PromQL identifier: a metric, label or function name. */
  public static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private MonitoringConfigFiles() {}

  /**
   * The metric names an expression reads: identifiers that are not functions (followed by a
   * parenthesis), keywords, label names in grouping clauses, label matchers, strings, ranges or
   * Grafana variables.
   */
  public static Set<String> metricNames(String expr) {
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
      if (!function && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
        names.add(word);
      }
    }
    return names;
  }

  /**
   * Returns every query of the dashboard: its panels' targets and its template variables.
   *
   * @return the expressions
   * @throws IOException if the file cannot be read
   */
  public static List<String> dashboardExpressions() throws IOException {
    String json = Files.readString(DASHBOARD);
    List<String> exprs = new ArrayList<>(JsonPath.read(json, "$..targets[*].expr"));
    exprs.addAll(JsonPath.read(json, "$.templating.list[*].query.query"));
    return exprs;
  }

  /**
   * Returns the expression of every alert rule.
   *
   * @return the expressions
   * @throws IOException if the file cannot be read
   */
  @SuppressWarnings("unchecked")
  public static List<String> alertExpressions() throws IOException {
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
}
