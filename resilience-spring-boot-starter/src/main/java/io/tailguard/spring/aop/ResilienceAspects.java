package io.tailguard.spring.aop;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.annotation.Retried;
import java.util.List;
import java.util.Set;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;

/**
 * Builds the starter's advisors and checks the aspect order.
 *
 * <p>The default order, outermost first, is rate-limited, retried, hedged, circuit-protected: so
 * excess load is refused before work starts, and every hedge and retry attempt passes the breaker
 * (each attempt is a real call to the dependency and counts once). All run outside transactions
 * ({@code @Transactional} has the lowest precedence).
 *
 * <p>Stateless and thread-safe.
 */
public final class ResilienceAspects {

  /** The aspects, in the default order. */
  public static final List<String> DEFAULT_ORDER =
      List.of("rate-limited", "retried", "hedged", "circuit-protected");

  /** Order value of the outermost aspect; the others follow one by one. */
  public static final int FIRST_ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

  private static final Fallbacks FALLBACKS = new Fallbacks();

  private ResilienceAspects() {}

  /**
   * Checks an aspect order.
   *
   * @param order the order, outermost first
   * @throws IllegalArgumentException naming {@code resilience.aspects.order} and the allowed values
   *     if it is not a permutation of {@link #DEFAULT_ORDER}
   */
  public static void checkOrder(List<String> order) {
    if (order == null
        || order.size() != DEFAULT_ORDER.size()
        || !Set.copyOf(order).equals(Set.copyOf(DEFAULT_ORDER))) {
      throw new IllegalArgumentException(
          "resilience.aspects.order must list each of "
              + DEFAULT_ORDER
              + " exactly once, outermost first, was "
              + order);
    }
  }

  /**
   * Creates its interceptor on first use, so the engines are not built while bean post-processors
   * are still being set up.
   */
  private static final class LazyInterceptor implements MethodInterceptor {
    private final java.util.function.Supplier<MethodInterceptor> factory;
    private volatile MethodInterceptor delegate;

    LazyInterceptor(java.util.function.Supplier<MethodInterceptor> factory) {
      this.factory = factory;
    }

    @Override
    public Object invoke(org.aopalliance.intercept.MethodInvocation invocation) throws Throwable {
      MethodInterceptor d = delegate;
      if (d == null) {
        synchronized (this) {
          d = delegate;
          if (d == null) {
            d = factory.get();
            delegate = d;
          }
        }
      }
      return d.invoke(invocation);
    }
  }

  private static int order(List<String> order, String aspect) {
    return FIRST_ORDER + order.indexOf(aspect);
  }

  /**
   * Wraps an engine's interceptor in an {@link ObservedInterceptor} if there is an observer.
   *
   * @param passesParent whether calls inside the engine's attempts, on other threads, get this call
   *     as parent
   */
  private static <A extends java.lang.annotation.Annotation> MethodInterceptor observed(
      AnnotationLookup<A> lookup,
      java.util.function.Function<A, String> name,
      String engine,
      MethodInterceptor interceptor,
      ObjectProvider<CallObserver> observers,
      boolean passesParent) {
    CallObserver observer = observers.getIfAvailable();
    return observer == null
        ? interceptor
        : new ObservedInterceptor<>(lookup, name, engine, interceptor, observer, passesParent);
  }

  /**
   * Creates the advisor of {@code @CircuitProtected}.
   *
   * @param breakers the registry, resolved on first use
   * @param observers the call observer, if any, resolved on first use
   * @param order the aspect order
   * @return the advisor
   */
  public static ResilienceAdvisor circuitProtected(
      ObjectProvider<CircuitBreakerRegistry> breakers,
      ObjectProvider<CallObserver> observers,
      List<String> order) {
    AnnotationLookup<CircuitProtected> lookup = new AnnotationLookup<>(CircuitProtected.class);
    MethodInterceptor interceptor =
        new LazyInterceptor(
            () ->
                observed(
                    lookup,
                    CircuitProtected::value,
                    "circuit-breaker",
                    new CircuitProtectedInterceptor(lookup, breakers.getObject(), FALLBACKS),
                    observers,
                    false));
    return new ResilienceAdvisor(
        "circuit-protected", lookup, interceptor, order(order, "circuit-protected"));
  }

  /** The propagators, in their order, outermost first. */
  private static AttemptContexts contexts(ObjectProvider<AttemptContextPropagator> propagators) {
    return AttemptContexts.of(propagators.orderedStream().toList());
  }

  /**
   * Creates the advisor of {@code @Hedged}.
   *
   * @param hedgers the registry, resolved on first use
   * @param observers the call observer, if any, resolved on first use
   * @param propagators what carries the caller's context into attempts on other threads, resolved
   *     on first use and applied in their order
   * @param order the aspect order
   * @return the advisor
   */
  public static ResilienceAdvisor hedged(
      ObjectProvider<HedgerRegistry> hedgers,
      ObjectProvider<CallObserver> observers,
      ObjectProvider<AttemptContextPropagator> propagators,
      List<String> order) {
    AnnotationLookup<Hedged> lookup = new AnnotationLookup<>(Hedged.class);
    MethodInterceptor interceptor =
        new LazyInterceptor(
            () ->
                observed(
                    lookup,
                    Hedged::value,
                    "hedge",
                    new HedgedInterceptor(
                        lookup, hedgers.getObject(), FALLBACKS, contexts(propagators)),
                    observers,
                    true));
    return new ResilienceAdvisor("hedged", lookup, interceptor, order(order, "hedged"));
  }

  /**
   * Creates the advisor of {@code @RateLimited}.
   *
   * @param limiters the registry, resolved on first use
   * @param observers the call observer, if any, resolved on first use
   * @param order the aspect order
   * @return the advisor
   */
  public static ResilienceAdvisor rateLimited(
      ObjectProvider<RateLimiterRegistry> limiters,
      ObjectProvider<CallObserver> observers,
      List<String> order) {
    AnnotationLookup<RateLimited> lookup = new AnnotationLookup<>(RateLimited.class);
    MethodInterceptor interceptor =
        new LazyInterceptor(
            () ->
                observed(
                    lookup,
                    RateLimited::value,
                    "rate-limiter",
                    new RateLimitedInterceptor(lookup, limiters.getObject(), FALLBACKS),
                    observers,
                    false));
    return new ResilienceAdvisor("rate-limited", lookup, interceptor, order(order, "rate-limited"));
  }

  /**
   * Creates the advisor of {@code @Retried}.
   *
   * @param retriers the registry, resolved on first use
   * @param observers the call observer, if any, resolved on first use
   * @param propagators what carries the caller's context into attempts on other threads, resolved
   *     on first use and applied in their order
   * @param order the aspect order
   * @return the advisor
   */
  public static ResilienceAdvisor retried(
      ObjectProvider<RetryRegistry> retriers,
      ObjectProvider<CallObserver> observers,
      ObjectProvider<AttemptContextPropagator> propagators,
      List<String> order) {
    AnnotationLookup<Retried> lookup = new AnnotationLookup<>(Retried.class);
    MethodInterceptor interceptor =
        new LazyInterceptor(
            () ->
                observed(
                    lookup,
                    Retried::value,
                    "retry",
                    new RetriedInterceptor(
                        lookup, retriers.getObject(), FALLBACKS, contexts(propagators)),
                    observers,
                    true));
    return new ResilienceAdvisor("retried", lookup, interceptor, order(order, "retried"));
  }

  /**
   * Parses a {@code @RateLimited} key expression now, so a bad one fails at start-up.
   *
   * @param expression the SpEL text, empty for none
   * @param method the annotated method
   * @throws IllegalStateException if it does not parse
   */
  public static void checkRateLimitKey(String expression, java.lang.reflect.Method method) {
    RateLimitedInterceptor.checkKey(expression, method);
  }

  /**
   * Parses a {@code @Hedged} key expression now, so a bad one fails at start-up.
   *
   * @param expression the SpEL text, empty for none
   * @param method the annotated method
   * @throws IllegalStateException if it does not parse or reads a variable the method lacks
   */
  public static void checkHedgeKey(String expression, java.lang.reflect.Method method) {
    HedgedInterceptor.checkKey(expression, method);
  }

  /**
   * Tells how the aspects follow a method's calls, by its return type: {@code SYNC} (a plain value,
   * the call ends when the method returns), {@code STAGE}, {@code MONO} or {@code FLUX}.
   *
   * @param method the protected method
   * @return the kind's name
   */
  public static String returnKind(java.lang.reflect.Method method) {
    return ReturnKind.of(method).name();
  }

  /**
   * Tells whether the starter runs a method's calls asynchronously: it returns a {@code
   * CompletionStage}, a Reactor {@code Mono} or a {@code Flux}, so its retries run on the retry
   * executor rather than on the calling thread.
   *
   * @param method the protected method
   * @return whether its calls are asynchronous
   */
  public static boolean isAsynchronous(java.lang.reflect.Method method) {
    return ReturnKind.of(method) != ReturnKind.SYNC;
  }

  /**
   * Resolves a fallback method now, so a missing one fails at start-up rather than at the first
   * failure.
   *
   * @param targetClass the bean's class
   * @param method the protected method
   * @param name the fallback method name
   * @throws IllegalStateException if no method fits
   */
  public static void checkFallback(
      Class<?> targetClass, java.lang.reflect.Method method, String name) {
    FALLBACKS.resolve(targetClass, method, name);
  }
}
