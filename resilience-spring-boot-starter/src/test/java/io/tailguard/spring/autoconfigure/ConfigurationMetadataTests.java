package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigWriter;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated configuration metadata lists every key of the core schema with a description and
 * the core's own default, so an IDE completes and documents all of them.
 */
class ConfigurationMetadataTests {

  /** Map-valued sections whose keys are instance names, not settings. */
  static final Set<String> NAMED = Set.of("instances", "providers", "policies");

  @Test
  void everySchemaKeyHasADescriptionAndTheCoresDefault() throws Exception {
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      JsonNode root = JsonMapper.builder().build().readTree(in);
      for (JsonNode p : root.get("properties")) {
        properties.put(p.get("name").asString(), p);
      }
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    flatten("", YamlConfigWriter.toTree(ResilienceConfig.defaults()), defaults);
    assertThat(defaults).hasSizeGreaterThan(50);
    List<String> problems = new ArrayList<>();
    defaults.forEach(
        (key, value) -> {
          JsonNode p = properties.get(key);
          if (p == null) {
            problems.add(key + ": missing");
            return;
          }
          if (!p.has("description") || p.get("description").asString().isBlank()) {
            problems.add(key + ": no description");
          }
          String expected =
              value instanceof List<?> l && l.isEmpty() ? null : String.valueOf(value);
          JsonNode d = p.get("defaultValue");
          String actual = d == null || (d.isArray() && d.isEmpty()) ? null : d.asString();
          if (expected != null && !sameValue(expected, actual)) {
            problems.add(key + ": default " + actual + " but the core's is " + expected);
          }
        });
    assertThat(problems).isEmpty();
    for (String starterKey :
        List.of(
            "resilience.enabled",
            "resilience.aspects.order",
            "resilience.actuator.write-enabled",
            "resilience.web.problem-details")) {
      assertThat(properties).containsKey(starterKey);
      assertThat(properties.get(starterKey).get("description").asString()).isNotBlank();
    }
    // Write access is Boot's endpoint access, read-only by default; the old switch says so.
    assertThat(
            properties
                .get("management.endpoint.resilience.access")
                .get("defaultValue")
                .asString()
                .replace('_', '-'))
        .isEqualToIgnoringCase("read-only");
    JsonNode deprecation = properties.get("resilience.actuator.write-enabled").get("deprecation");
    assertThat(deprecation).isNotNull();
    assertThat(deprecation.get("replacement").asString())
        .isEqualTo("management.endpoint.resilience.access");
    // Values of sensitive keys: never shown by default, as Boot's env and configprops.
    assertThat(
            properties
                .get("management.endpoint.resilience.show-values")
                .get("defaultValue")
                .asString())
        .isEqualToIgnoringCase("never");
    assertThat(properties).containsKey("management.endpoint.resilience.roles");
  }

  /** Equal as numbers, as durations (60s = 1m), or as text ignoring case. */
  static boolean sameValue(String expected, String actual) {
    if (actual == null) {
      return false;
    }
    try {
      return Double.parseDouble(expected) == Double.parseDouble(actual);
    } catch (NumberFormatException notNumbers) {
      // try durations
    }
    try {
      return io.tailguard.core.internal.Durations.parse("d", expected)
          .equals(io.tailguard.core.internal.Durations.parse("d", actual));
    } catch (IllegalArgumentException notDurations) {
      return expected.equalsIgnoreCase(actual);
    }
  }

  @SuppressWarnings("unchecked")
  static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
    tree.forEach(
        (k, v) -> {
          String key = prefix.isEmpty() ? k : prefix + "." + k;
          if (NAMED.contains(k)) {
            return;
          }
          if (v instanceof Map) {
            flatten(key, (Map<String, Object>) v, out);
          } else {
            out.put(key, v);
          }
        });
  }
}
