package io.tailguard.core.config;

/**
 * One problem in a configuration document.
 *
 * @param path the full path of the offending key, for example {@code
 *     resilience.circuit-breaker.instances.payments.failure-rate-threshold}
 * @param message what is wrong, with the allowed values and the value given
 * @param line the 1-based line in the source, or 0 if unknown
 * @param column the 1-based column, or 0 if unknown
 */
public record ConfigError(String path, String message, int line, int column) {

  @Override
  public String toString() {
    return path + ": " + message + (line > 0 ? " (line " + line + ", column " + column + ")" : "");
  }
}
