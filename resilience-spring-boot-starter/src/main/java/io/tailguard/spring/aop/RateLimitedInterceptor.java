package io.tailguard.spring.aop;

import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.spring.annotation.RateLimited;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * Takes a permit before {@link RateLimited} methods run, keyed by the annotation's SpEL expression.
 * Adapts return types only: the limiter decides everything. A {@code Mono} or {@code Flux} asks for
 * its permit at each subscription without blocking ({@link RateLimiter#acquireAsync}), so on the
 * Redis backend no event loop waits for Redis; plain and {@code CompletionStage} methods take it on
 * the calling thread before the method runs.
 *
 * <p>Thread-safe: parsed expressions are cached per expression text ({@link KeyExpressions}).
 */
final class RateLimitedInterceptor implements MethodInterceptor {

  private static final KeyExpressions KEYS = new KeyExpressions("RateLimited", "rate-limit");

  private final AnnotationLookup<RateLimited> lookup;
  private final RateLimiterRegistry limiters;
  private final Fallbacks fallbacks;

  RateLimitedInterceptor(
      AnnotationLookup<RateLimited> lookup, RateLimiterRegistry limiters, Fallbacks fallbacks) {
    this.lookup = lookup;
    this.limiters = limiters;
    this.fallbacks = fallbacks;
  }

  /**
   * Checks a key expression at start-up; see {@link KeyExpressions#check}.
   *
   * @param expression the expression text, empty for none
   * @param where the annotated method
   */
  static void checkKey(String expression, Method where) {
    KEYS.check(expression, where);
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass = AnnotationLookup.targetClass(invocation);
    RateLimited annotation = lookup.find(method, targetClass).orElse(null);
    if (annotation == null) {
      return invocation.proceed();
    }
    RateLimiter limiter = limiters.limiter(annotation.value());
    Object[] args = invocation.getArguments();
    String key = key(annotation.key(), target, method, args);
    Fallbacks.Fallback fallback =
        fallbacks.resolve(targetClass, method, annotation.fallbackMethod());
    int permits = annotation.permits();
    switch (ReturnKind.of(method)) {
      case STAGE:
        try {
          limiter.acquireOrThrow(key, permits);
        } catch (RateLimitExceededException e) {
          try {
            return fallback.handle(target, args, e);
          } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
          }
        }
        return invocation.proceed();
      case MONO:
        // Asked for without blocking the subscribing thread (an event loop, under WebFlux): on
        // the Redis backend the method's publisher is subscribed when Redis answers.
        return ReactorSupport.gateMono(
            invocation.proceed(),
            () -> limiter.acquireAsync(key, permits, Duration.ZERO),
            e -> fallback.recover(target, args, e));
      case FLUX:
        return ReactorSupport.gateFlux(
            invocation.proceed(),
            () -> limiter.acquireAsync(key, permits, Duration.ZERO),
            e -> fallback.recover(target, args, e));
      default:
        try {
          limiter.acquireOrThrow(key, permits);
        } catch (RateLimitExceededException e) {
          return fallback.handle(target, args, e);
        }
        return invocation.proceed();
    }
  }

  private static String key(String expression, Object target, Method method, Object[] args) {
    return expression.isEmpty() ? "" : KEYS.evaluate(expression, target, method, args).toString();
  }
}
