package io.tailguard.spring.autoconfigure;

import io.tailguard.core.config.ConfigError;
import io.tailguard.core.config.ConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an invalid {@code resilience.*} configuration into a start-up report that lists every
 * offending property with the allowed values and the value given.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResilienceConfigFailureAnalyzer
    extends AbstractFailureAnalyzer<ConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
    StringBuilder description = new StringBuilder("Invalid Tailguard configuration:\n");
    for (ConfigError e : cause.errors()) {
      description.append("\n    Property: ").append(e.path());
      description.append("\n    Problem: ").append(e.message());
      if (e.origin() != null) {
        description.append("\n    Origin: ").append(e.origin());
      }
      description.append('\n');
    }
    return new FailureAnalysis(
        description.toString(),
        "Correct the resilience.* properties listed above; each problem names the allowed"
            + " values. The keys and their ranges are documented in docs/configuration.md.",
        cause);
  }
}
