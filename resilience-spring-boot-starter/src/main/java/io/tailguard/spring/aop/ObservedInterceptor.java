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
 * <p>The wrappers of the multi-attempt engines (hedged, retried) also leave their call in the
 * invocation's user attributes, which the attempts' copies of the invocation share, so that the
 * calls inside their attempts have the hedged or retried call as parent even when an attempt runs
 * on another thread or in a subscription of its own. Since all copies share one attribute, it holds
 * a chain of {@link Parent}s, innermost first: an attempt after the first finds there the call of
 * its own engine from the attempt before (a retried call's previous hedged call), and takes that
 * call's enclosing call as parent rather than its sibling. A Reactor context's parent, where there
 * is one, comes first: it belongs to its subscription alone.
 *
 * <p>The attribute is written before the attempts it serves start, and read when they start; the
 * engines start attempts one after another, except a hedger's, which may overlap. Two overlapping
 * hedge attempts that each start a retried call inside (an aspect order that puts the hedge outside
 * the retry) may read each other's retried call: a known limit of one shared attribute.
 *
 * <p>Thread-safe.
 */
final class ObservedInterceptor<A extends Annotation> implements MethodInterceptor {

  /**
   * User attribute holding the innermost {@link Parent}: the multi-attempt calls enclosing the
   * current one, for the calls inside their attempts.
   */
  static final String PARENT = ObservedInterceptor.class.getName() + ".parent";

  /**
   * A hedged or retried call whose attempts' calls take it as parent, and the one enclosing it.
   *
   * @param engine the engine of the call
   * @param handle the call's {@link CallObserver.ObservedCall#handle()}
   * @param enclosing the multi-attempt call enclosing it, or {@code null}
   */
  record Parent(String engine, Object handle, @Nullable Parent enclosing) {}

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
            parent -> stopOnce(start(invocation, instance, parent)),
            observer.reactorContextKey(),
            ObservedInterceptor::outcome);
      case FLUX:
        return ReactorSupport.observeFlux(
            delegate.invoke(invocation),
            parent -> stopOnce(start(invocation, instance, parent)),
            observer.reactorContextKey(),
            ObservedInterceptor::outcome);
      default:
        return observe(invocation, instance);
    }
  }

  /** A plain or stage-returning call: the stage's completion ends it. */
  private Object observe(MethodInvocation invocation, String instance) throws Throwable {
    CallObserver.ObservedCall call = start(invocation, instance, null);
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

  /**
   * Starts a call, and leaves it for the calls inside its attempts if this engine makes attempts.
   *
   * @param contextParent the parent a Reactor context holds, or {@code null}
   */
  private CallObserver.ObservedCall start(
      MethodInvocation invocation, String instance, @Nullable Object contextParent) {
    ProxyMethodInvocation p = invocation instanceof ProxyMethodInvocation proxy ? proxy : null;
    Parent enclosing = p == null ? null : enclosing(p.getUserAttribute(PARENT));
    Object parent =
        contextParent != null ? contextParent : enclosing != null ? enclosing.handle() : null;
    CallObserver.ObservedCall call = observer.start(instance, engine, parent);
    if (passesParent && p != null) {
      p.setUserAttribute(PARENT, new Parent(engine, call.handle(), enclosing));
    }
    return call;
  }

  /**
   * The multi-attempt call enclosing a call of this engine: the innermost one left in the
   * attribute, unless the chain holds a call of this engine, an earlier attempt's (or an earlier
   * subscription's) sibling of this call; then the call enclosing that one.
   */
  private @Nullable Parent enclosing(@Nullable Object attribute) {
    Parent innermost = attribute instanceof Parent first ? first : null;
    for (Parent n = innermost; n != null; n = n.enclosing()) {
      if (n.engine().equals(engine)) {
        return n.enclosing();
      }
    }
    return innermost;
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
