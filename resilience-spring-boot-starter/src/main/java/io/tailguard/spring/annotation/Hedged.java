package io.tailguard.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method through the named hedger: if it has not answered after the hedge delay, it is
 * called again (up to {@code max-hedges} more times, within the hedge budget) and the first
 * acceptable answer wins; the other attempts are cancelled. On a class, it applies to every public
 * method.
 *
 * <p>Each attempt is a full call of the method through the aspects inside this one (by default the
 * circuit breaker), so each counts once at the breaker. An attempt can read its {@link
 * io.tailguard.core.hedge.AttemptContext} with {@link CurrentAttempt#get()}, for example to send
 * the shared idempotency key downstream.
 *
 * <p>Works for plain values (attempts run on the hedge executor), {@code CompletionStage}/{@code
 * CompletableFuture}, and Reactor {@code Mono} and {@code Flux} (a hedged {@code Flux} is
 * collected: the first attempt to complete wins and its elements are replayed).
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Hedged {

  /**
   * The hedger's name, as in {@code resilience.hedge.instances.<name>}. An unknown name gets the
   * defaults (and is logged once at start-up).
   *
   * @return the hedger name
   */
  String value();

  /**
   * A SpEL expression over the method's parameters ({@code #query}, {@code #p0}, {@code
   * #request.id}), as {@link RateLimited#key()}, naming equal calls for request coalescing: when
   * the hedger has {@code coalesce: true}, concurrent calls of this method with an equal key (by
   * {@code equals}) share one hedged execution and its result (single flight). Empty (the default),
   * or with {@code coalesce: false}, every call runs on its own. Calls of different methods never
   * share an execution, even on one hedger.
   *
   * <p>The shared execution runs in the context of the call that started it (its security context,
   * MDC, transaction-free thread): make the key include whatever the result depends on, the
   * caller's identity included. A caller that gives up does not cancel the execution for the
   * others. An expression that does not parse or reads a parameter the method does not have stops
   * the application at start-up; one that yields {@code null} fails the call with an {@link
   * IllegalArgumentException} naming it.
   *
   * @return the key expression, or empty for none
   */
  String key() default "";

  /**
   * The name of a fallback method; see {@link CircuitProtected#fallbackMethod()}.
   *
   * @return the fallback method name, or empty for none
   */
  String fallbackMethod() default "";
}
