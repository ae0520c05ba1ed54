package io.tailguard.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method through the named circuit breaker: an open breaker refuses the call with {@link
 * io.tailguard.core.circuitbreaker.CircuitRejectedException}, and the call's outcome and latency
 * are recorded. On a class, it applies to every public method.
 *
 * <p>Works for methods returning plain values, {@code CompletionStage}/{@code CompletableFuture}
 * (the outcome is recorded when the stage completes; no thread blocks), and Reactor {@code Mono}
 * and {@code Flux} (each subscription is one call).
 *
 * <pre>{@code
 * @CircuitProtected(value = "payments", fallbackMethod = "chargeLater")
 * Receipt charge(Order order) { ... }
 *
 * Receipt chargeLater(Order order, CircuitRejectedException e) { ... } // only for rejections
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CircuitProtected {

  /**
   * The breaker's name, as in {@code resilience.circuit-breaker.instances.<name>}. An unknown name
   * gets the defaults (and is logged once at start-up).
   *
   * @return the breaker name
   */
  String value();

  /**
   * The name of a method of the same class taking the same parameters plus one exception; it is
   * called instead of failing, but only for failures of the exception type it declares. With
   * several such methods, the one with the most specific matching exception type wins.
   *
   * @return the fallback method name, or empty for none
   */
  String fallbackMethod() default "";
}
