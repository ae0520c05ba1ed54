package io.tailguard.spring.aop;

import io.tailguard.core.retry.Retrier;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.spring.annotation.Retried;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * Runs {@link Retried} methods through their retrier: each attempt is a fresh invocation of the
 * rest of the interceptor chain and the method ({@link ProxyMethodInvocation#invocableClone()}).
 * Adapts return types only: the retrier decides everything. For a stage, a Mono or a Flux, the
 * retrier waits out each backoff on the scheduler and makes the retry (invokes the method again and
 * subscribes to what it returns) on its executor, never on the scheduler's thread; those attempts
 * run inside the caller's context ({@link AttemptContextPropagator}), and the attempts of a Mono or
 * a Flux are subscribed with the subscriber's Reactor context. A blocking call retries on the
 * calling thread.
 *
 * <p>Thread-safe.
 */
final class RetriedInterceptor implements MethodInterceptor {

  private final AnnotationLookup<Retried> lookup;
  private final RetryRegistry retriers;
  private final Fallbacks fallbacks;
  private final AttemptContexts contexts;

  RetriedInterceptor(
      AnnotationLookup<Retried> lookup,
      RetryRegistry retriers,
      Fallbacks fallbacks,
      AttemptContexts contexts) {
    this.lookup = lookup;
    this.retriers = retriers;
    this.fallbacks = fallbacks;
    this.contexts = contexts;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass = AnnotationLookup.targetClass(invocation);
    Retried annotation = lookup.find(method, targetClass).orElse(null);
    if (annotation == null || !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
      return invocation.proceed();
    }
    Retrier retrier = retriers.retrier(annotation.value());
    Fallbacks.Fallback fallback =
        fallbacks.resolve(targetClass, method, annotation.fallbackMethod());
    Object[] args = invocation.getArguments();
    switch (ReturnKind.of(method)) {
      case STAGE:
        {
          AttemptContexts.Call context = contexts.capture(null);
          CompletableFuture<Object> call =
              context.start(
                  () ->
                      retrier.callAsync(
                          () -> context.run(() -> asStage(attempt(proxyInvocation)))));
          return fallback.recoverStage(call, target, args);
        }
      case MONO:
        // Each subscription is one retried call whose attempts are subscriptions.
        return ReactorSupport.callMono(
            (context, attemptFn) ->
                retrier.callAsync(() -> context.run(() -> attemptFn.apply(null))),
            ignored -> attempt(proxyInvocation),
            e -> fallback.recover(target, args, e),
            contexts);
      case FLUX:
        return ReactorSupport.callFlux(
            (context, attemptFn) ->
                retrier.callAsync(() -> context.run(() -> attemptFn.apply(null))),
            ignored -> attempt(proxyInvocation),
            e -> fallback.recover(target, args, e),
            contexts);
      default:
        // Every attempt runs on the calling thread, in its own context.
        try {
          return retrier.call(() -> attempt(proxyInvocation));
        } catch (CompletionException e) {
          return fallback.handle(target, args, Sneaky.unwrap(e));
        } catch (Throwable t) {
          return fallback.handle(target, args, t);
        }
    }
  }

  /** One attempt: a fresh invocation of the rest of the chain. */
  private static Object attempt(ProxyMethodInvocation invocation) {
    try {
      return invocation.invocableClone().proceed();
    } catch (Throwable t) {
      throw Sneaky.rethrow(t);
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> asStage(Object result) {
    return (CompletionStage<Object>) result;
  }
}
