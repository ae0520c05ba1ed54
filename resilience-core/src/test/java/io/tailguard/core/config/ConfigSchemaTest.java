package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The schema view lists exactly what the writer writes, with the same defaults, each documented.
 */
class ConfigSchemaTest {

  @Test
  void everyWrittenKeyIsInTheSchemaWithTheSameDefault() {
    Map<String, Object> written = new LinkedHashMap<>();
    flatten("", YamlConfigWriter.toTree(ResilienceConfig.defaults()), written);
    Map<String, Object> declared = new LinkedHashMap<>();
    for (ConfigSchema.Entry e : ConfigSchema.entries()) {
      if (!e.path().contains("*")) {
        declared.put("resilience." + e.path(), e.defaultValue());
      }
    }
    // Section-wide shortcuts the writer spells under defaults, and a URI with no default.
    declared
        .keySet()
        .removeAll(
            List.of(
                "resilience.rate-limiter.cleanup-threshold",
                "resilience.rate-limiter.max-keys",
                "resilience.rate-limiter.redis.uri"));
    written.replaceAll((k, v) -> v instanceof List<?> l && l.isEmpty() ? null : v);
    // The built-in retry policies are written by name; the schema has them as policies.*.
    written.keySet().removeIf(k -> k.startsWith("resilience.retry.policies."));
    assertThat(declared).containsExactlyInAnyOrderEntriesOf(written);
  }

  @Test
  void everyEntryIsDocumentedOnceAndSaysWhatIsAllowed() {
    Set<String> paths = new HashSet<>();
    for (ConfigSchema.Entry e : ConfigSchema.entries()) {
      assertThat(paths.add(e.path())).as(e.path()).isTrue();
      assertThat(e.doc()).as(e.path()).isNotBlank().endsWith(".");
      // [*] is an item of a list (an HTTP client's endpoints).
      assertThat(e.path()).matches("[a-z0-9.*-]+(\\[\\*][a-z0-9.*-]+)?");
    }
    assertThat(ConfigSchema.entries())
        .filteredOn(e -> e.path().equals("circuit-breaker.defaults.failure-rate-threshold"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.defaultValue()).isEqualTo(0.5);
              assertThat(e.allowed()).isEqualTo("(0, 1]");
            });
    assertThat(ConfigSchema.entries())
        .filteredOn(e -> e.path().equals("hedge.defaults.delay.percentile"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.defaultValue()).isEqualTo("auto");
              assertThat(e.allowed()).isEqualTo("(0, 100) or auto");
            });
    assertThat(ConfigSchema.rules())
        .contains(
            "retry.policies.*: max-delay >= base-delay",
            "telemetry: latency-interval <= latency-window",
            "circuit-breaker.defaults: critical-health-score <= min-health-score");
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
    tree.forEach(
        (k, v) -> {
          String key = prefix.isEmpty() ? k : prefix + "." + k;
          if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            flatten(key, (Map<String, Object>) m, out);
          } else if (!(v instanceof Map<?, ?>)) {
            out.put(key, v);
          }
        });
  }
}
