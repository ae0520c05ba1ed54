package io.tailguard.spring.aop;

import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AttemptContextPropagator}s of the starter's multi-attempt aspects ({@code @Hedged},
 * {@code @Retried}), applied together: a call {@linkplain #capture captures} on its calling thread
 * and {@linkplain Call#run runs} each attempt that lands on another thread inside what it captured.
 *
 * <p>Immutable and thread-safe.
 */
final class AttemptContexts {

  /** Propagates nothing. */
  static final AttemptContexts NONE = new AttemptContexts(List.of());

  private final AttemptContextPropagator[] propagators;

  private AttemptContexts(List<AttemptContextPropagator> propagators) {
    this.propagators = propagators.toArray(AttemptContextPropagator[]::new);
  }

  /**
   * Applies the given propagators.
   *
   * @param propagators the propagators, outermost first
   * @return the contexts
   */
  static AttemptContexts of(List<AttemptContextPropagator> propagators) {
    return propagators.isEmpty() ? NONE : new AttemptContexts(propagators);
  }

  /**
   * Captures the context of a call, on the thread that starts it.
   *
   * @param reactorContext the subscriber's {@code ContextView} for a Mono or a Flux, else null
   * @return the call's captured context
   */
  Call capture(@Nullable Object reactorContext) {
    if (propagators.length == 0) {
      return Call.AS_IS;
    }
    AttemptContextPropagator.Captured[] captured =
        new AttemptContextPropagator.Captured[propagators.length];
    for (int i = 0; i < propagators.length; i++) {
      captured[i] = propagators[i].capture(reactorContext);
    }
    return new Call(captured);
  }

  /**
   * One call's captured context.
   *
   * <p>{@code starter} is the thread that started the call while it is inside {@link #start}: that
   * thread writes it, before and after the engine call; attempts compare it with their own thread.
   * Only the starter can find itself there, and it reads its own writes, so an attempt the engine
   * runs on the calling thread (an asynchronous call's first, a refused hedge primary) runs as it
   * is, in the context that is already there. (That needs only a thread's view of its own writes;
   * volatile says the field is shared.)
   */
  static final class Call {
    /** Carries nothing: shared by every call, as it keeps no state. */
    static final Call AS_IS = new Call(new AttemptContextPropagator.Captured[0]);

    private final AttemptContextPropagator.Captured[] captured;
    private volatile @Nullable Thread starter;

    private Call(AttemptContextPropagator.Captured[] captured) {
      this.captured = captured;
    }

    /**
     * Starts the call through its engine on this thread, the calling one.
     *
     * @param engineCall calls the engine
     * @param <R> what the engine returns
     * @return what the engine returned
     */
    <R> R start(Supplier<R> engineCall) {
      if (captured.length == 0) {
        return engineCall.get();
      }
      starter = Thread.currentThread();
      try {
        return engineCall.get();
      } finally {
        starter = null;
      }
    }

    /**
     * Runs one attempt: inside the captured context when it runs on another thread than the one
     * that started the call.
     *
     * @param attempt the attempt
     * @param <T> its result
     * @return its result
     */
    <T> T run(Supplier<T> attempt) {
      if (captured.length == 0 || starter == Thread.currentThread()) {
        return attempt.get();
      }
      Outcome<T> outcome = new Outcome<>(attempt);
      Runnable task = outcome;
      for (int i = captured.length - 1; i >= 0; i--) {
        AttemptContextPropagator.Captured c = captured[i];
        Runnable inner = task;
        task = () -> c.run(inner);
      }
      task.run();
      return outcome.get();
    }
  }

  /** An attempt's result or failure, carried out of the propagators' runnables. */
  private static final class Outcome<T> implements Runnable {
    private final Supplier<T> attempt;
    // Written and read by the one thread that runs the attempt.
    private boolean ran;
    private T value;
    private Throwable failure;

    Outcome(Supplier<T> attempt) {
      this.attempt = attempt;
    }

    @Override
    public void run() {
      ran = true;
      try {
        value = attempt.get();
      } catch (Throwable t) {
        failure = t;
      }
    }

    T get() {
      if (!ran) {
        throw new IllegalStateException("a context propagator did not run the attempt");
      }
      if (failure != null) {
        throw Sneaky.rethrow(failure);
      }
      return value;
    }
  }
}
