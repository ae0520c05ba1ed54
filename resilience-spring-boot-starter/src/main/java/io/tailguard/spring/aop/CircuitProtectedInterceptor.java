package io.tailguard.spring.aop;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import java.lang.reflect.Method;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * Runs {@link CircuitProtected} methods through their breaker. Adapts return types only: the
 * breaker decides everything.
 *
 * <p>Inside a {@link io.tailguard.spring.annotation.Hedged} method (the default aspect order), each
 * attempt is one call at the breaker, and the attempt's {@link AttemptContext#cancelReason()} says
 * how an attempt the hedger cut short counts: one still running when the hedged call timed out is a
 * failure of the dependency (it did not answer; and by its latency a slow call), however its body
 * then ends; one cancelled because another attempt won, or because the call failed or was
 * cancelled, only returns its permit.
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
    // Read here, where a hedger runs this attempt: a stage or publisher completes elsewhere.
    AttemptContext attempt = CurrentAttempt.get().orElse(null);
    switch (ReturnKind.of(method)) {
      case STAGE:
        return stage(invocation, breaker, attempt, fallback, target, args);
      case MONO:
        return ReactorSupport.guardMono(
            invocation.proceed(),
            () -> hooks(breaker, attempt),
            e -> fallback.recover(target, args, e));
      case FLUX:
        return ReactorSupport.guardFlux(
            invocation.proceed(),
            () -> hooks(breaker, attempt),
            e -> fallback.recover(target, args, e));
      default:
        return sync(invocation, breaker, attempt, fallback, target, args);
    }
  }

  private static Object sync(
      MethodInvocation invocation,
      CircuitBreaker breaker,
      AttemptContext attempt,
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
      succeeded(guard, attempt);
      return result;
    } catch (Throwable t) {
      failed(guard, attempt, t);
      return fallback.handle(target, args, t);
    }
  }

  /**
   * Like {@link CircuitBreaker#callAsync}, but an attempt the hedger cut short counts as its cancel
   * reason says rather than always as a release.
   */
  private static Object stage(
      MethodInvocation invocation,
      CircuitBreaker breaker,
      AttemptContext attempt,
      Fallbacks.Fallback fallback,
      Object target,
      Object[] args) {
    CallGuard guard;
    try {
      guard = breaker.acquire();
    } catch (CircuitRejectedException rejected) {
      return fallback.recoverStage(CompletableFuture.failedFuture(rejected), target, args);
    }
    CompletionStage<Object> stage;
    try {
      @SuppressWarnings("unchecked")
      CompletionStage<Object> s = (CompletionStage<Object>) invocation.proceed();
      stage = s;
    } catch (Throwable t) {
      failed(guard, attempt, t);
      return fallback.recoverStage(CompletableFuture.failedFuture(t), target, args);
    }
    if (stage == null) {
      guard.release();
      return fallback.recoverStage(
          CompletableFuture.failedFuture(
              new IllegalStateException(
                  "the @CircuitProtected method "
                      + invocation.getMethod().getName()
                      + " returned null instead of a CompletionStage")),
          target,
          args);
    }
    CompletableFuture<Object> call = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          if (error == null) {
            succeeded(guard, attempt);
            call.complete(value);
          } else {
            Throwable cause = Sneaky.unwrap(error);
            failed(guard, attempt, cause);
            call.completeExceptionally(cause);
          }
        });
    call.whenComplete(
        (value, error) -> {
          if (call.isCancelled()) {
            failed(guard, attempt, error);
            try {
              stage.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException e) {
              // a stage that cannot be converted cannot be cancelled either
            }
          }
        });
    return fallback.recoverStage(call, target, args);
  }

  /** The body answered; late, after the hedged call timed out, it still counts as a failure. */
  private static void succeeded(CallGuard guard, AttemptContext attempt) {
    if (timedOut(attempt)) {
      guard.failure();
    } else {
      guard.success();
    }
  }

  /**
   * The body failed or was cancelled. An attempt the hedged call timed out is a failure, reported
   * without the exception (an interrupt is how the attempt was stopped, and would otherwise make
   * the breaker release the permit); one cancelled for another reason returns its permit.
   */
  private static void failed(CallGuard guard, AttemptContext attempt, Throwable t) {
    if (timedOut(attempt)) {
      guard.failure();
    } else if (attempt != null && attempt.isCancelled()) {
      guard.release();
    } else if (t instanceof CancellationException) {
      guard.release(); // the caller gave up: no outcome, as CircuitBreaker.callAsync does
    } else {
      guard.failure(t);
    }
  }

  private static boolean timedOut(AttemptContext attempt) {
    return attempt != null
        && attempt.cancelReason().orElse(null) == AttemptContext.CancelReason.TIMED_OUT;
  }

  private static ReactorSupport.Hooks hooks(CircuitBreaker breaker, AttemptContext attempt) {
    CallGuard guard = breaker.acquire(); // a rejection errors this subscription
    return new ReactorSupport.Hooks() {
      @Override
      public void success() {
        succeeded(guard, attempt);
      }

      @Override
      public void failure(Throwable t) {
        failed(guard, attempt, t);
      }

      @Override
      public void cancel() {
        if (timedOut(attempt)) {
          guard.failure();
        } else {
          guard.release();
        }
      }
    };
  }
}
