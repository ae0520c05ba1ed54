package io.tailguard.spring.aop;

import org.jspecify.annotations.Nullable;

/**
 * Observes each call a resilience annotation protects, for tracing and timing: the starter's
 * aspects start an {@link ObservedCall} when a protected call starts and stop it, with its outcome,
 * when the call ends (a {@code CompletionStage} when it completes, a Reactor publisher per
 * subscription when it terminates or is cancelled). The starter's implementation wraps each call in
 * a Micrometer {@code Observation} ({@code
 * io.tailguard.spring.observation.ObservationCallObserver}); without a {@code CallObserver} bean
 * the aspects do not observe anything and pay nothing for it.
 *
 * <p>One method with several annotations makes one observed call per annotation, nested in the
 * aspect order; every hedge attempt through a breaker is a call of its own, whose parent is the
 * hedged call.
 *
 * <p>Outcomes, as the caller of the protected method sees them: {@code success} (a fallback's
 * answer included), {@code failure}, {@code rejected} (an open circuit or a rate limit), {@code
 * timeout} and {@code cancelled} (the caller gave up, or a hedge attempt lost to another).
 *
 * <p>Implementations must be thread-safe: calls start and stop on any thread.
 */
public interface CallObserver {

  /**
   * Starts observing one call.
   *
   * @param name the instance the annotation names, for example {@code payments}
   * @param engine the engine: {@code circuit-breaker}, {@code hedge}, {@code rate-limiter}
   * @param parent the enclosing call's {@link ObservedCall#handle()} when it is known other than
   *     from the current thread (a Reactor context, the hedged call of an attempt running on
   *     another thread), or {@code null} to use the current thread's
   * @return the started call
   */
  ObservedCall start(String name, String engine, @Nullable Object parent);

  /**
   * Returns the key under which the current call travels in a Reactor context, so that calls
   * started inside a publisher find their parent.
   *
   * @return the key, or {@code null} if calls do not travel in Reactor contexts
   */
  default @Nullable Object reactorContextKey() {
    return null;
  }

  /** One observed call, started and then stopped exactly once. */
  interface ObservedCall {

    /**
     * Makes this call the current one on this thread until the scope closes.
     *
     * @return the scope, to close on the same thread
     */
    Scope openScope();

    /**
     * Returns the underlying handle (for Micrometer, the {@code Observation}), given to nested
     * calls as their parent.
     *
     * @return the handle
     */
    Object handle();

    /**
     * Ends the call.
     *
     * @param outcome success, failure, rejected, timeout or cancelled
     * @param error what the caller got instead of a value, or {@code null}
     */
    void stop(String outcome, @Nullable Throwable error);
  }

  /** A scope opened by {@link ObservedCall#openScope()}. */
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
