package io.tailguard.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code resilience.enabled} is {@code false}. Any value other than true or false
 * stops the application naming the property and the value, instead of silently turning Tailguard
 * off as a plain property condition would.
 *
 * <p>Stateless and thread-safe.
 */
final class OnResilienceEnabledCondition extends SpringBootCondition {

  static final String PROPERTY = "resilience.enabled";

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    String value = context.getEnvironment().getProperty(PROPERTY);
    if (value == null) {
      return ConditionOutcome.match(PROPERTY + " is not set");
    }
    if (!ResilienceConfigBinder.isBoolean(value)) {
      throw new IllegalStateException(PROPERTY + " must be true or false, was '" + value + "'");
    }
    return Boolean.parseBoolean(value.trim())
        ? ConditionOutcome.match(PROPERTY + " is true")
        : ConditionOutcome.noMatch(PROPERTY + " is false");
  }
}
