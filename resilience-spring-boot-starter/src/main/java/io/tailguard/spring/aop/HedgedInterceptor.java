package io.tailguard.spring.aop;

import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * Runs {@link Hedged} methods through their hedger: each attempt is a fresh invocation of the rest
 * of the interceptor chain and the method ({@link ProxyMethodInvocation#invocableClone()}), with
 * the attempt's context available from {@link CurrentAttempt}. Attempts on other threads than the
 * caller's run inside the caller's context ({@link AttemptContextPropagator}); the attempts of a
 * Mono or a Flux are subscribed with the subscriber's Reactor context.
 *
 * <p>Thread-safe.
 */
final class HedgedInterceptor implements MethodInterceptor {

  private final AnnotationLookup<Hedged> lookup;
  private final HedgerRegistry hedgers;
  private final Fallbacks fallbacks;
  private final AttemptContexts contexts;

  HedgedInterceptor(
      AnnotationLookup<Hedged> lookup,
      HedgerRegistry hedgers,
      Fallbacks fallbacks,
      AttemptContexts contexts) {
    this.lookup = lookup;
    this.hedgers = hedgers;
    this.fallbacks = fallbacks;
    this.contexts = contexts;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Object target = invocation.getThis();
    Class<?> targetClass = AnnotationLookup.targetClass(invocation);
    Hedged annotation = lookup.find(method, targetClass).orElse(null);
    if (annotation == null || !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
      return invocation.proceed();
    }
    Hedger hedger = hedgers.hedger(annotation.value());
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
                      hedger.callAsync(
                          ctx -> context.run(() -> asStage(attempt(proxyInvocation, ctx)))));
          return fallback.recoverStage(call, target, args);
        }
      case MONO:
        return ReactorSupport.callMono(
            (context, attemptFn) ->
                hedger.callAsync(ctx -> context.run(() -> attemptFn.apply(ctx))),
            ctx -> attempt(proxyInvocation, (AttemptContext) ctx),
            e -> fallback.recover(target, args, e),
            contexts);
      case FLUX:
        return ReactorSupport.callFlux(
            (context, attemptFn) ->
                hedger.callAsync(ctx -> context.run(() -> attemptFn.apply(ctx))),
            ctx -> attempt(proxyInvocation, (AttemptContext) ctx),
            e -> fallback.recover(target, args, e),
            contexts);
      default:
        // Every attempt, the primary included, runs on the hedge executor.
        AttemptContexts.Call context = contexts.capture(null);
        try {
          return context.start(
              () -> hedger.call(ctx -> context.run(() -> attempt(proxyInvocation, ctx))));
        } catch (CompletionException e) {
          return fallback.handle(target, args, Sneaky.unwrap(e));
        } catch (Throwable t) {
          return fallback.handle(target, args, t);
        }
    }
  }

  /** One attempt: a fresh invocation of the rest of the chain, with the attempt as current. */
  private static Object attempt(ProxyMethodInvocation invocation, AttemptContext context) {
    MethodInvocation clone = invocation.invocableClone();
    try {
      return CurrentAttempt.with(context, clone::proceed);
    } catch (Throwable t) {
      throw Sneaky.rethrow(t);
    }
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> asStage(Object result) {
    return (CompletionStage<Object>) result;
  }
}
