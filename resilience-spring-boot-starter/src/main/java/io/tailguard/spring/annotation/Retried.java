package io.tailguard.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries the method under the named retry policy: a retryable failure (by exception type or HTTP
 * status, see {@link io.tailguard.core.retry.RetryPolicy}) runs the method again after a backoff,
 * up to the policy's attempts and within its retry budget. When attempts run out, the last failure
 * is thrown with the earlier ones suppressed. On a class, it applies to every public method.
 *
 * <p>Each attempt runs the rest of the aspect chain again, so with the default order every attempt
 * passes the method's hedger and breaker. Works for plain values (waiting blocks the caller),
 * {@code CompletionStage}/{@code CompletableFuture} (waiting blocks no thread) and Reactor {@code
 * Mono} and {@code Flux} (each attempt a new subscription; a Flux's elements are emitted once an
 * attempt has completed, so a retried Flux is buffered).
 *
 * <pre>{@code
 * @Retried(value = "default", fallbackMethod = "cached")
 * Quote quote(String symbol) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Retried {

  /**
   * The policy's name, as in {@code resilience.retry.policies.<name>}; {@code default} and {@code
   * expensive} always exist. An unknown name gets the {@code default} policy (and is logged once at
   * start-up).
   *
   * @return the policy name
   */
  String value() default "default";

  /**
   * The name of a method of the same class taking the same parameters plus one exception; it is
   * called instead of failing once retries are over, but only for failures of the exception type it
   * declares.
   *
   * @return the fallback method name, or empty for none
   */
  String fallbackMethod() default "";
}
