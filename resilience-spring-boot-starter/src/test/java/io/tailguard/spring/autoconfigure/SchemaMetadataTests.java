package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.config.ConfigSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The IDE metadata of every engine setting is generated from the core's declaration ({@link
 * ConfigSchema}) into the checked-in {@code additional-spring-configuration-metadata.json}; this
 * test fails when the two drift apart. Regenerate with {@code ./mvnw -o -pl
 * resilience-spring-boot-starter test -Dtest=SchemaMetadataTests -Dtailguard.metadata.write=true}.
 */
class SchemaMetadataTests {

  static final Path FILE =
      Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

  @Test
  void theCheckedInMetadataIsGeneratedFromTheSchema() throws Exception {
    String expected = render();
    if (Boolean.getBoolean("tailguard.metadata.write")) {
      Files.writeString(FILE, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
        .as("%s is stale: regenerate it with -Dtailguard.metadata.write=true", FILE)
        .isEqualTo(expected);
  }

  /** The metadata: the starter's own hand-written entries, then every schema setting. */
  static String render() {
    List<Map<String, Object>> properties = new ArrayList<>();
    List<Map<String, Object>> hints = new ArrayList<>();
    properties.add(
        property(
            "resilience.aspects.order",
            null,
            null,
            List.of("rate-limited", "retried", "hedged", "circuit-protected")));
    hints.add(
        hint(
            "resilience.aspects.order",
            List.of("rate-limited", "retried", "hedged", "circuit-protected"),
            List.of("@RateLimited", "@Retried", "@Hedged", "@CircuitProtected")));
    // The starter's keys inside the engine sections (ResilienceConfigBinder.SECTION_KEYS).
    for (String section : List.of("circuit-breaker", "hedge", "retry", "rate-limiter", "health")) {
      properties.add(
          property(
              "resilience." + section + ".enabled",
              "java.lang.Boolean",
              "Whether this section's annotations (for health: its contributor and probes) are"
                  + " applied; the engines stay available as beans.",
              true));
    }
    properties.add(
        property(
            "resilience.http-clients.enabled",
            "java.lang.Boolean",
            "Whether the clients under resilience.http-clients get their RestClient and WebClient"
                + " builders and service group configurers; the engines stay available as beans.",
            true));
    properties.add(
        property(
            "resilience.hedge.snapshot-directory",
            "java.lang.String",
            "Directory where learned hedge delays are saved (every minute and on shutdown) and"
                + " restored from on start, one file per hedger; unset, they are not kept.",
            null));
    Set<String> maps = new LinkedHashSet<>();
    Map<String, List<String>> mapKeys = new LinkedHashMap<>();
    for (ConfigSchema.Entry e : ConfigSchema.entries()) {
      int star = e.path().indexOf(".*.");
      if (star >= 0) {
        String map = "resilience." + e.path().substring(0, star);
        maps.add(map);
        mapKeys.computeIfAbsent(map, k -> new ArrayList<>()).add(e.path().substring(star + 3));
        continue;
      }
      String name = "resilience." + e.path();
      properties.add(property(name, e.javaType(), e.description(), e.defaultValue()));
      if (!e.values().isEmpty()) {
        hints.add(hint(name, e.values(), null));
      }
    }
    for (String map : maps) {
      properties.add(
          property(
              map,
              "java.util.Map<java.lang.String,java.lang.Object>",
              "Settings by name; each takes the keys " + mapKeys.get(map) + ".",
              null));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("properties", properties);
    root.put("hints", hints);
    return JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build()
            .writeValueAsString(root)
        + "\n";
  }

  private static Map<String, Object> property(
      String name, String type, String description, Object defaultValue) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    if (type != null) {
      p.put("type", type);
    }
    if (description != null) {
      p.put("description", description);
    }
    if (defaultValue != null) {
      p.put("defaultValue", defaultValue);
    }
    return p;
  }

  private static Map<String, Object> hint(
      String name, List<String> values, List<String> descriptions) {
    List<Map<String, Object>> v = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("value", values.get(i));
      if (descriptions != null) {
        one.put("description", descriptions.get(i));
      }
      v.add(one);
    }
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("name", name);
    h.put("values", v);
    return h;
  }
}
