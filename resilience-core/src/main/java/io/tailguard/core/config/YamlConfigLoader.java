package io.tailguard.core.config;

import io.tailguard.core.internal.Validate;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads the {@code resilience:} section of a YAML document into a {@link ResilienceConfig}.
 *
 * <pre>{@code
 * ResilienceConfig config = YamlConfigLoader.load(Path.of("config/resilience.yml"));
 * }</pre>
 *
 * <p>Every problem is reported, not only the first, each with its full path and line: unknown keys
 * with the closest known key ({@code resilience.hedge.defaults.max-hedge: unknown key (did you mean
 * 'max-hedges'?)}), wrong types, out-of-range values with the allowed range, unknown enum values
 * with the allowed list, duplicate keys, YAML syntax errors. If there is any problem, a {@link
 * ConfigException} is thrown and nothing is returned, so nothing half-applies.
 *
 * <p>Other top-level keys (a Spring {@code application.yml} has {@code spring:} and {@code
 * server:}) are ignored. An empty document gives every default.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class YamlConfigLoader {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private YamlConfigLoader() {}

  /**
   * Loads a file (UTF-8).
   *
   * @param file the file
   * @return the configuration
   * @throws ConfigException if the configuration is invalid
   * @throws IOException if the file cannot be read
   */
  public static ResilienceConfig load(Path file) throws IOException {
    Validate.notNull("file", file);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return load(reader, file.toString());
    }
  }

  /**
   * Loads a stream (UTF-8).
   *
   * @param in the stream; not closed
   * @param source a name for the source in error messages, for example a resource name
   * @return the configuration
   * @throws ConfigException if the configuration is invalid
   */
  public static ResilienceConfig load(InputStream in, String source) {
    Validate.notNull("in", in);
    return load(new InputStreamReader(in, StandardCharsets.UTF_8), source);
  }

  /**
   * Loads YAML text.
   *
   * @param yaml the text
   * @return the configuration
   * @throws ConfigException if the configuration is invalid
   */
  public static ResilienceConfig loadString(String yaml) {
    Validate.notNull("yaml", yaml);
    return load(new StringReader(yaml), "<string>");
  }

  /**
   * Loads YAML from a reader.
   *
   * @param reader the reader; not closed
   * @param source a name for the source in error messages
   * @return the configuration
   * @throws ConfigException if the configuration is invalid
   */
  public static ResilienceConfig load(Reader reader, String source) {
    Validate.notNull("reader", reader);
    List<ConfigError> errors = new ArrayList<>();
    ConfigNode document = parse(reader, errors);
    if (!errors.isEmpty()) {
      throw new ConfigException(source, errors);
    }
    return map(document, source, Thread.currentThread().getContextClassLoader());
  }

  /**
   * Maps a tree whose root holds {@code resilience:} (or an empty root), for sources other than
   * YAML files, such as properties bound by Spring.
   *
   * @param document the root of the document
   * @param source a name for the source in error messages
   * @param classLoader loads the exception classes named in the configuration
   * @return the configuration
   * @throws ConfigException if the configuration is invalid
   */
  public static ResilienceConfig map(ConfigNode document, String source, ClassLoader classLoader) {
    List<ConfigError> errors = new ArrayList<>();
    ConfigNode resilience = null;
    if (document != null
        && !(document.kind() == ConfigNode.Kind.SCALAR && document.value() == null)) {
      if (document.kind() != ConfigNode.Kind.MAP) {
        errors.add(
            new ConfigError(
                "<document>",
                "must be a map with a 'resilience' key, was " + document.describe(),
                document.line(),
                document.column()));
        throw new ConfigException(source, errors);
      }
      resilience = document.entries().get(ConfigMapper.ROOT);
      if (resilience == null && !document.entries().isEmpty()) {
        String hint = Suggestions.closest(ConfigMapper.ROOT, document.entries().keySet());
        errors.add(
            new ConfigError(
                "<document>",
                "has no 'resilience' section; found "
                    + document.entries().keySet()
                    + (hint == null
                        ? ""
                        : " ('" + hint + "' looks like a misspelling of 'resilience')"),
                document.line(),
                document.column()));
        throw new ConfigException(source, errors);
      }
    }
    ConfigMapper mapper =
        new ConfigMapper(
            classLoader == null ? YamlConfigLoader.class.getClassLoader() : classLoader);
    ResilienceConfig config = mapper.map(resilience);
    if (config == null || !mapper.errors().isEmpty()) {
      throw new ConfigException(source, mapper.errors());
    }
    return config;
  }

  /** Parses YAML into a tree with positions, or records the syntax error. */
  static ConfigNode parse(Reader reader, List<ConfigError> errors) {
    try (JsonParser p = YAML.createParser(reader)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      TokenStreamLocation at = p.currentTokenLocation();
      ConfigNode root = read(p, "", at, errors);
      if (p.nextToken() != null) {
        TokenStreamLocation more = p.currentTokenLocation();
        errors.add(
            new ConfigError(
                "<document>",
                "must be a single YAML document; a second one starts here",
                more.getLineNr(),
                more.getColumnNr()));
      }
      return root;
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      errors.add(
          new ConfigError(
              "<document>",
              "is not valid YAML: " + e.getOriginalMessage(),
              at == null ? 0 : at.getLineNr(),
              at == null ? 0 : at.getColumnNr()));
      return null;
    }
  }

  private static ConfigNode read(
      JsonParser p, String path, TokenStreamLocation at, List<ConfigError> errors) {
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, ConfigNode> entries = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            TokenStreamLocation keyAt = p.currentTokenLocation();
            p.nextToken();
            String childPath = path.isEmpty() ? key : path + "." + key;
            ConfigNode child = read(p, childPath, keyAt, errors);
            if (entries.containsKey(key)) {
              errors.add(
                  new ConfigError(
                      childPath,
                      "duplicate key (first at line " + entries.get(key).line() + ")",
                      keyAt.getLineNr(),
                      keyAt.getColumnNr()));
            } else {
              entries.put(key, child);
            }
          }
          return ConfigNode.map(entries, line, column);
        }
      case START_ARRAY:
        {
          List<ConfigNode> items = new ArrayList<>();
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(read(p, path + "[" + i++ + "]", p.currentTokenLocation(), errors));
          }
          return ConfigNode.list(items, line, column);
        }
      case VALUE_STRING:
        return ConfigNode.scalar(p.getString(), line, column);
      case VALUE_NUMBER_INT:
        {
          Number n = p.getNumberValue();
          Object v = n instanceof BigInteger b && b.bitLength() < 64 ? (Object) b.longValue() : n;
          if (v instanceof Integer i) {
            v = i.longValue();
          }
          return ConfigNode.scalar(v, line, column);
        }
      case VALUE_NUMBER_FLOAT:
        return ConfigNode.scalar(p.getDoubleValue(), line, column);
      case VALUE_TRUE:
        return ConfigNode.scalar(Boolean.TRUE, line, column);
      case VALUE_FALSE:
        return ConfigNode.scalar(Boolean.FALSE, line, column);
      case VALUE_NULL:
        return ConfigNode.scalar(null, line, column);
      default:
        errors.add(
            new ConfigError(path, "has an unsupported YAML value (" + t + ")", line, column));
        return ConfigNode.scalar(null, line, column);
    }
  }
}
