package io.tailguard.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a configuration document: a map, a list or a scalar, with the line and column it came
 * from (0 when the source has no positions, such as a map built in code or bound by Spring).
 *
 * <p>Instances are immutable once built and thread-safe.
 */
public final class ConfigNode {

  /** The kinds of node. */
  public enum Kind {
    /** Keys to nodes, in document order. */
    MAP,
    /** Nodes in order. */
    LIST,
    /** A string, number, boolean or null. */
    SCALAR
  }

  private final Kind kind;
  private final Map<String, ConfigNode> entries;
  private final List<ConfigNode> items;
  private final Object value;
  private final int line;
  private final int column;

  private ConfigNode(
      Kind kind,
      Map<String, ConfigNode> entries,
      List<ConfigNode> items,
      Object value,
      int line,
      int column) {
    this.kind = kind;
    this.entries = entries;
    this.items = items;
    this.value = value;
    this.line = line;
    this.column = column;
  }

  static ConfigNode map(Map<String, ConfigNode> entries, int line, int column) {
    return new ConfigNode(
        Kind.MAP,
        Collections.unmodifiableMap(new LinkedHashMap<>(entries)),
        null,
        null,
        line,
        column);
  }

  static ConfigNode list(List<ConfigNode> items, int line, int column) {
    return new ConfigNode(
        Kind.LIST, null, Collections.unmodifiableList(new ArrayList<>(items)), null, line, column);
  }

  static ConfigNode scalar(Object value, int line, int column) {
    return new ConfigNode(Kind.SCALAR, null, null, value, line, column);
  }

  /**
   * Builds a tree from plain Java values: maps with string keys, lists (or arrays of objects),
   * strings, numbers, booleans, durations and nulls. No positions.
   *
   * @param value the value
   * @return the tree
   * @throws IllegalArgumentException if a map key is not a string or a value is of another type
   */
  public static ConfigNode of(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, ConfigNode> entries = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(
              "configuration keys must be strings, was " + e.getKey());
        }
        entries.put((String) e.getKey(), of(e.getValue()));
      }
      return map(entries, 0, 0);
    }
    if (value instanceof List<?> l) {
      List<ConfigNode> items = new ArrayList<>();
      for (Object o : l) {
        items.add(of(o));
      }
      return list(items, 0, 0);
    }
    if (value instanceof Object[] a) {
      return of(List.of(a));
    }
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof java.time.Duration
        || value instanceof Enum<?>
        || value instanceof Class<?>) {
      return scalar(value instanceof Enum<?> e ? e.name() : value, 0, 0);
    }
    throw new IllegalArgumentException(
        "configuration values must be maps, lists or scalars, was " + value.getClass().getName());
  }

  /**
   * Returns the kind.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the entries of a map node.
   *
   * @return the entries, in document order; empty for other kinds
   */
  public Map<String, ConfigNode> entries() {
    return entries == null ? Map.of() : entries;
  }

  /**
   * Returns the items of a list node.
   *
   * @return the items; empty for other kinds
   */
  public List<ConfigNode> items() {
    return items == null ? List.of() : items;
  }

  /**
   * Returns the value of a scalar node.
   *
   * @return the value, possibly {@code null}; {@code null} for other kinds
   */
  public Object value() {
    return value;
  }

  /**
   * Returns the 1-based line the node starts at, or 0 if unknown.
   *
   * @return the line
   */
  public int line() {
    return line;
  }

  /**
   * Returns the 1-based column the node starts at, or 0 if unknown.
   *
   * @return the column
   */
  public int column() {
    return column;
  }

  /**
   * Returns a short description of the node's type for error messages.
   *
   * @return for example {@code a map} or {@code 'abc'}
   */
  String describe() {
    switch (kind) {
      case MAP:
        return "a map";
      case LIST:
        return "a list";
      default:
        if (value == null) {
          return "null";
        }
        if (value instanceof String s) {
          return "'" + s + "'";
        }
        return String.valueOf(value);
    }
  }

  @Override
  public String toString() {
    switch (kind) {
      case MAP:
        return entries.toString();
      case LIST:
        return items.toString();
      default:
        return String.valueOf(value);
    }
  }
}
