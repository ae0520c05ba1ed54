package io.tailguard.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Takes a permit from the named rate limiter before the method runs, per key: a refused call throws
 * {@link io.tailguard.core.ratelimiter.RateLimitExceededException} (which the starter answers with
 * 429 Too Many Requests and {@code Retry-After}) without running the method. On a class, it applies
 * to every public method.
 *
 * <p>The key is a SpEL expression over the method's parameters, for example {@code #userId} or
 * {@code #request.orgId}; without one, all calls share one limit. Works for plain values, {@code
 * CompletionStage}/{@code CompletableFuture} (a refusal is a failed stage) and Reactor {@code
 * Mono}/{@code Flux} (a permit per subscription).
 *
 * <pre>{@code
 * @RateLimited(value = "search", key = "#apiKey")
 * List<Hit> search(String apiKey, String query) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

  /**
   * The limiter's name, as in {@code resilience.rate-limiter.instances.<name>}. An unknown name
   * gets the defaults (and is logged once at start-up).
   *
   * @return the limiter name
   */
  String value();

  /**
   * A SpEL expression over the parameters ({@code #name}, or {@code #p0}, {@code #a0} by position)
   * whose value, as a string of at most 256 characters, is the key; empty for one limit shared by
   * every call. An expression that does not parse stops the application at start-up; one that
   * yields {@code null} fails the call with an {@link IllegalArgumentException} naming it.
   *
   * @return the key expression
   */
  String key() default "";

  /**
   * Permits each call takes, in [1, capacity].
   *
   * @return the permits
   */
  int permits() default 1;

  /**
   * The name of a method of the same class taking the same parameters plus one exception; it is
   * called instead of failing, but only for failures of the exception type it declares (for example
   * {@code RateLimitExceededException}).
   *
   * @return the fallback method name, or empty for none
   */
  String fallbackMethod() default "";
}
