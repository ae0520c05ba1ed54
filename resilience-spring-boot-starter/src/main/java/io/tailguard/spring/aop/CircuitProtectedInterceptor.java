package io.tailguard.spring.aop;

import io.tailguard.core.breaker.CallGuard;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitRejectedException;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * Runs {@link CircuitProtected} methods through their breaker. Adapts return types only: the
 * breaker decides everything.
 *
 * <p>Thread-safe.
 */
final class CircuitProtectedInterceptor implements MethodInterceptor {

  private final AnnotationLookup<CircuitProtected> lookup;
  private final CircuitBreakerRegistry breakers;
  private final Fallbacks fallbacks;

  CircuitProtectedInterceptor(
      AnnotationLookup<CircuitProtected> lookup,
      CircuitBreakerRegistry breakers,
      Fallbacks fallbacks) {
    this.lookup = lookup;
    this.breakers = breakers;
    this.fallbacks = fallbacks;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass = AnnotationLookup.targetClass(invocation);
    CircuitProtected annotation = lookup.find(method, targetClass).orElse(null);
    if (annotation == null) {
      return invocation.proceed();
    }
    CircuitBreaker breaker = breakers.breaker(annotation.value());
    Fallbacks.Fallback fallback =
        fallbacks.resolve(targetClass, method, annotation.fallbackMethod());
    Object[] args = invocation.getArguments();
    switch (ReturnKind.of(method)) {
      case STAGE:
        return stage(invocation, breaker, fallback, target, args);
      case MONO:
        return ReactorSupport.guardMono(
            invocation.proceed(), () -> hooks(breaker), e -> fallback.recover(target, args, e));
      case FLUX:
        return ReactorSupport.guardFlux(
            invocation.proceed(), () -> hooks(breaker), e -> fallback.recover(target, args, e));
      default:
        return sync(invocation, breaker, fallback, target, args);
    }
  }

  private static Object sync(
      MethodInvocation invocation,
      CircuitBreaker breaker,
      Fallbacks.Fallback fallback,
      Object target,
      Object[] args)
      throws Throwable {
    CallGuard guard;
    try {
      guard = breaker.acquire();
    } catch (CircuitRejectedException rejected) {
      return fallback.handle(target, args, rejected);
    }
    try {
      Object result = invocation.proceed();
      guard.success();
      return result;
    } catch (Throwable t) {
      if (abandonedAttempt()) {
        guard.release(); // a hedge attempt cancelled because another won: not a failure
      } else {
        guard.failure(t);
      }
      return fallback.handle(target, args, t);
    }
  }

  private static Object stage(
      MethodInvocation invocation,
      CircuitBreaker breaker,
      Fallbacks.Fallback fallback,
      Object target,
      Object[] args) {
    CompletableFuture<Object> call =
        breaker.callAsync(
            () -> {
              try {
                @SuppressWarnings("unchecked")
                CompletionStage<Object> stage = (CompletionStage<Object>) invocation.proceed();
                return stage;
              } catch (Throwable t) {
                throw Sneaky.rethrow(t);
              }
            });
    return fallback.recoverStage(call, target, args);
  }

  private static boolean abandonedAttempt() {
    return CurrentAttempt.get().map(AttemptContext::isCancelled).orElse(false);
  }

  private static ReactorSupport.Hooks hooks(CircuitBreaker breaker) {
    CallGuard guard = breaker.acquire(); // a rejection errors this subscription
    return new ReactorSupport.Hooks() {
      @Override
      public void success() {
        guard.success();
      }

      @Override
      public void failure(Throwable t) {
        guard.failure(t);
      }

      @Override
      public void cancel() {
        guard.release();
      }
    };
  }
}
