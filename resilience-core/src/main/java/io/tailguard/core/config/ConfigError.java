package io.tailguard.core.config;

/**
 * One problem in a configuration document.
 *
 * @param path the full path of the offending key, for example {@code
 *     resilience.circuit-breaker.instances.payments.failure-rate-threshold}
 * @param message what is wrong, with the allowed values and the value given
 * @param line the 1-based line in the source, or 0 if unknown
 * @param column the 1-based column, or 0 if unknown
 * @param origin where the value came from when the source is not one YAML file (such as {@code
 *     class path resource [application.yml] - 12:7}, as Spring Boot tracks it), or null
 */
public record ConfigError(String path, String message, int line, int column, String origin) {

  /**
   * An error without an origin of its own.
   *
   * @param path the full path of the offending key
   * @param message what is wrong
   * @param line the 1-based line, or 0
   * @param column the 1-based column, or 0
   */
  public ConfigError(String path, String message, int line, int column) {
    this(path, message, line, column, null);
  }

  /**
   * Returns this error with the origin of its value.
   *
   * @param origin the origin, or null
   * @return the error
   */
  public ConfigError withOrigin(String origin) {
    return new ConfigError(path, message, line, column, origin);
  }

  @Override
  public String toString() {
    String where =
        origin != null
            ? " (" + origin + ")"
            : line > 0 ? " (line " + line + ", column " + column + ")" : "";
    return path + ": " + message + where;
  }
}
