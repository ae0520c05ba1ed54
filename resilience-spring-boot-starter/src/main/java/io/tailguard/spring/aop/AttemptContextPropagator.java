package io.tailguard.spring.aop;

import org.jspecify.annotations.Nullable;

/**
 * Carries context from the thread that starts a {@code @Hedged} or {@code @Retried} call into the
 * attempts that run on other threads: a blocking hedged call runs every attempt, the primary
 * included, on the hedge executor; an asynchronous call (a {@code CompletionStage}, a Reactor
 * {@code Mono} or {@code Flux}) runs its later attempts on the engine's executor.
 *
 * <p>The starter applies every bean of this type, in their order (outermost first): {@code
 * io.tailguard.spring.context.ContextSnapshotPropagator} (Micrometer's context-propagation: the
 * SecurityContext, the MDC, the current Observation, the request attributes, and any accessor
 * registered with the global {@code ContextRegistry}), then the application's {@code TaskDecorator}
 * beans ({@link TaskDecoratorPropagator}).
 *
 * <p>An attempt that runs on the thread that started the call (the first attempt of an asynchronous
 * call, a blocking retry) runs as it is: the context is already there.
 *
 * <p>Implementations must be thread-safe: {@link #capture} runs on any calling thread, and the
 * {@link Captured} it returns may run several attempts at once, on different threads.
 */
@FunctionalInterface
public interface AttemptContextPropagator {

  /**
   * Captures the context to carry, on the thread that starts the call (for a {@code Mono} or a
   * {@code Flux}, the thread that subscribes).
   *
   * @param reactorContext the subscriber's Reactor {@code ContextView} for a {@code Mono} or a
   *     {@code Flux}, {@code null} otherwise
   * @return what runs each attempt that runs on another thread
   */
  Captured capture(@Nullable Object reactorContext);

  /** Context captured for one call. */
  @FunctionalInterface
  interface Captured {

    /**
     * Runs one attempt on the current thread inside the captured context, and restores the thread's
     * own context before returning. Must run {@code attempt} exactly once, on the current thread,
     * and let its exceptions through.
     *
     * @param attempt the attempt
     */
    void run(Runnable attempt);
  }
}
