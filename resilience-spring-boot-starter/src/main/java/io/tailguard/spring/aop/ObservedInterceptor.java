package io.tailguard.spring.aop;

import io.tailguard.core.breaker.CircuitRejectedException;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.hedge.HedgeTimeoutException;
import io.tailguard.core.ratelimit.RateLimitExceededException;
import io.tailguard.spring.annotation.CurrentAttempt;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * Wraps one engine's interceptor so that each call it protects is a {@link CallObserver} call:
 * started before the engine sees it, current on the calling thread while the engine and the method
 * run, stopped when the call ends for its caller. Used only when there is an observer, so without
 * one the aspects pay nothing.
 *
 * <p>The hedged engine's wrapper also leaves its call in the invocation's user attributes, which
 * the attempts' copies of the invocation share, so that calls inside attempts running on other
 * threads have the hedged call as parent. Only that wrapper writes the attribute, on the calling
 * thread and before any attempt starts; the attempts only read it.
 *
 * <p>Thread-safe.
 */
final class ObservedInterceptor<A extends Annotation> implements MethodInterceptor {

  /** User attribute holding the hedged call's handle, for the calls inside its attempts. */
  static final String PARENT = ObservedInterceptor.class.getName() + ".parent";

  private final AnnotationLookup<A> lookup;
  private final Function<A, String> name;
  private final String engine;
  private final MethodInterceptor delegate;
  private final CallObserver observer;
  private final boolean passesParent;

  ObservedInterceptor(
      AnnotationLookup<A> lookup,
      Function<A, String> name,
      String engine,
      MethodInterceptor delegate,
      CallObserver observer,
      boolean passesParent) {
    this.lookup = lookup;
    this.name = name;
    this.engine = engine;
    this.delegate = delegate;
    this.observer = observer;
    this.passesParent = passesParent;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Method method = invocation.getMethod();
    Class<?> targetClass = AnnotationLookup.targetClass(invocation);
    A annotation = lookup.find(method, targetClass).orElse(null);
    if (annotation == null) {
      return delegate.invoke(invocation);
    }
    String instance = name.apply(annotation);
    switch (ReturnKind.of(method)) {
      case MONO:
        return ReactorSupport.observeMono(
            delegate.invoke(invocation),
            parent -> stopOnce(observer.start(instance, engine, parent)),
            observer.reactorContextKey(),
            ObservedInterceptor::outcome);
      case FLUX:
        return ReactorSupport.observeFlux(
            delegate.invoke(invocation),
            parent -> stopOnce(observer.start(instance, engine, parent)),
            observer.reactorContextKey(),
            ObservedInterceptor::outcome);
      default:
        return observe(invocation, instance);
    }
  }

  /** A plain or stage-returning call: the stage's completion ends it. */
  private Object observe(MethodInvocation invocation, String instance) throws Throwable {
    CallObserver.ObservedCall call = observer.start(instance, engine, parent(invocation));
    if (passesParent && invocation instanceof ProxyMethodInvocation p) {
      p.setUserAttribute(PARENT, call.handle());
    }
    Object result;
    CallObserver.Scope scope = call.openScope();
    try {
      result = delegate.invoke(invocation);
    } catch (Throwable t) {
      scope.close();
      call.stop(outcome(t), t);
      throw t;
    }
    scope.close();
    if (result instanceof CompletionStage<?> stage) {
      stage.whenComplete(
          (v, e) -> {
            if (e == null) {
              call.stop("success", null);
            } else {
              call.stop(outcome(e), Sneaky.unwrap(e));
            }
          });
    } else {
      call.stop("success", null);
    }
    return result;
  }

  private static @Nullable Object parent(MethodInvocation invocation) {
    return invocation instanceof ProxyMethodInvocation p ? p.getUserAttribute(PARENT) : null;
  }

  /**
   * Names how a call ended for its caller.
   *
   * @param failure what the caller got instead of a value
   * @return rejected, timeout, cancelled or failure
   */
  static String outcome(Throwable failure) {
    Throwable t = Sneaky.unwrap(failure);
    if (t instanceof CircuitRejectedException || t instanceof RateLimitExceededException) {
      return "rejected";
    }
    if (t instanceof HedgeTimeoutException || t instanceof TimeoutException) {
      return "timeout";
    }
    if (t instanceof CancellationException
        || CurrentAttempt.get().map(AttemptContext::isCancelled).orElse(false)) {
      return "cancelled"; // the caller gave up, or a hedge attempt lost to another
    }
    return "failure";
  }

  /** Ends a call at its first end only: a publisher can signal both an end and a cancel. */
  private static CallObserver.ObservedCall stopOnce(CallObserver.ObservedCall call) {
    AtomicBoolean stopped = new AtomicBoolean();
    return new CallObserver.ObservedCall() {
      @Override
      public CallObserver.Scope openScope() {
        return call.openScope();
      }

      @Override
      public Object handle() {
        return call.handle();
      }

      @Override
      public void stop(String outcome, @Nullable Throwable error) {
        if (stopped.compareAndSet(false, true)) {
          call.stop(outcome, error);
        }
      }
    };
  }
}
