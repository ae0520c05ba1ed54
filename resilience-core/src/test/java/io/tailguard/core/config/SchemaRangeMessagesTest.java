package io.tailguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every ranged setting of every engine, a value out of range is reported at its own YAML key
 * with the declared range, and the message names no Java field.
 */
class SchemaRangeMessagesTest {

  private static final Pattern CAMEL = Pattern.compile("\\b[a-z]+[A-Z][A-Za-z]*\\b");

  static Stream<ConfigSchema.Entry> ranged() {
    return ConfigSchema.entries().stream()
        .filter(e -> e.allowed().startsWith("[") || e.allowed().startsWith("("))
        .filter(
            e -> !e.type().equals("duration") || !e.path().endsWith("retry.policies.*.max-delay"));
  }

  @ParameterizedTest
  @MethodSource("ranged")
  void anOutOfRangeValueNamesItsKeyAndTheDeclaredRange(ConfigSchema.Entry e) {
    // A list's item is the first one.
    String path = "resilience." + e.path().replace("[*]", "[0]").replace("*", "some-name");
    Object bad = e.type().equals("duration") ? "400d" : -5;
    assertThatThrownBy(() -> YamlConfigLoader.map(ConfigNode.of(tree(path, bad)), "test", null))
        .isInstanceOfSatisfying(
            ConfigException.class,
            x -> {
              assertThat(x.errors()).as(path).hasSize(1);
              ConfigError error = x.errors().get(0);
              assertThat(error.path()).isEqualTo(path);
              String range = e.allowed().replace(" or auto", "").replace(" or off", "");
              assertThat(error.message())
                  .as(path)
                  .startsWith("must be in " + range + ", was ")
                  .doesNotContainPattern(CAMEL);
            });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> tree(String path, Object value) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> at = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].endsWith("[0]")) {
        Map<String, Object> item = new LinkedHashMap<>();
        at.put(parts[i].substring(0, parts[i].length() - 3), List.of(item));
        at = item;
      } else {
        at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
      }
    }
    at.put(parts[parts.length - 1], value);
    return root;
  }
}
