package io.tailguard.spring.aop;

import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * Runs {@link Hedged} methods through their hedger: each attempt is a fresh invocation of the rest
 * of the interceptor chain and the method ({@link ProxyMethodInvocation#invocableClone()}), with
 * the attempt's context available from {@link CurrentAttempt}. Attempts on other threads than the
 * caller's run inside the caller's context ({@link AttemptContextPropagator}); the attempts of a
 * Mono or a Flux are subscribed with the subscriber's Reactor context. With a {@link Hedged#key()}
 * and {@code coalesce: true}, concurrent calls with an equal key share one hedged execution.
 *
 * <p>Thread-safe.
 */
final class HedgedInterceptor implements MethodInterceptor {

  private static final KeyExpressions KEYS = new KeyExpressions("Hedged", "coalescing");

  /**
   * Checks a {@code @Hedged} key expression at start-up; see {@link KeyExpressions#check}.
   *
   * @param expression the expression text, empty for none
   * @param where the annotated method
   */
  static void checkKey(String expression, Method where) {
    KEYS.check(expression, where);
  }

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
    // Coalescing, when asked for by both the annotation and the hedger's settings: scoped to the
    // method, so that two methods on one hedger never share a result of the wrong type.
    Object key =
        annotation.key().isEmpty() || !hedger.config().coalesce()
            ? null
            : List.of(method, KEYS.evaluate(annotation.key(), target, method, args));
    switch (ReturnKind.of(method)) {
      case STAGE:
        {
          AttemptContexts.Call context = contexts.capture(null);
          CompletableFuture<Object> call =
              context.start(
                  () ->
                      callAsync(
                          hedger,
                          key,
                          ctx -> context.run(() -> asStage(attempt(proxyInvocation, ctx)))));
          return fallback.recoverStage(call, target, args);
        }
      case MONO:
        return ReactorSupport.callMono(
            (context, attemptFn) ->
                callAsync(hedger, key, ctx -> context.run(() -> attemptFn.apply(ctx))),
            ctx -> attempt(proxyInvocation, (AttemptContext) ctx),
            e -> fallback.recover(target, args, e),
            contexts);
      case FLUX:
        return ReactorSupport.callFlux(
            (context, attemptFn) ->
                callAsync(hedger, key, ctx -> context.run(() -> attemptFn.apply(ctx))),
            ctx -> attempt(proxyInvocation, (AttemptContext) ctx),
            e -> fallback.recover(target, args, e),
            contexts);
      default:
        // Every attempt, the primary included, runs on the hedge executor.
        AttemptContexts.Call context = contexts.capture(null);
        try {
          Function<AttemptContext, Object> attempt =
              ctx -> context.run(() -> attempt(proxyInvocation, ctx));
          return context.start(
              () -> key == null ? hedger.call(attempt) : hedger.call(key, attempt));
        } catch (CompletionException e) {
          return fallback.handle(target, args, Sneaky.unwrap(e));
        } catch (Throwable t) {
          return fallback.handle(target, args, t);
        }
    }
  }

  private static <T> CompletableFuture<T> callAsync(
      Hedger hedger, Object key, Function<AttemptContext, ? extends CompletionStage<T>> attempt) {
    return key == null ? hedger.callAsync(attempt) : hedger.callAsync(key, attempt);
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
