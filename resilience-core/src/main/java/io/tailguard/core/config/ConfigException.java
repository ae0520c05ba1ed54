package io.tailguard.core.config;

import java.util.List;

/**
 * Thrown when a configuration is refused. It lists every problem found, each with its full path
 * and, for YAML, its line; nothing of the refused configuration was applied.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigError> errors;

  /**
   * Creates the exception.
   *
   * @param source where the configuration came from, for example a file name
   * @param errors the problems, at least one
   */
  public ConfigException(String source, List<ConfigError> errors) {
    super(message(source, errors));
    this.errors = List.copyOf(errors);
  }

  private static String message(String source, List<ConfigError> errors) {
    StringBuilder b = new StringBuilder("Invalid configuration");
    if (source != null) {
      b.append(" in ").append(source);
    }
    b.append(errors.size() == 1 ? ": " : " (" + errors.size() + " problems):");
    if (errors.size() == 1) {
      b.append(errors.get(0));
    } else {
      for (ConfigError e : errors) {
        b.append("\n  - ").append(e);
      }
    }
    return b.toString();
  }

  /**
   * Returns the problems found.
   *
   * @return the errors, in document order
   */
  public List<ConfigError> errors() {
    return errors;
  }
}
