package io.tailguard.core.hedge;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * Runs a blocking attempt on the executor; cancelling interrupts its thread. With {@code
 * primaryHere}, or when the executor refuses it, the primary is not run by the executor but kept
 * for {@link #runPrimaryHere()}, which the caller runs once the call has started (and armed its
 * timers), so the timeout covers it.
 *
 * <p>One runner per call. {@code pending} is written and read by the calling thread only: the
 * primary is started from {@link HedgedCall#start()} on the caller's thread.
 */
final class BlockingRunner<T> implements HedgedCall.Runner<T> {
  private final Function<AttemptContext, T> body;
  private final Executor executor;
  private final boolean primaryHere;
  private CallerTask<T> pending;

  BlockingRunner(Function<AttemptContext, T> body, Executor executor, boolean primaryHere) {
    this.body = body;
    this.executor = executor;
    this.primaryHere = primaryHere;
  }

  @Override
  public void start(HedgedCall<T> call, HedgedCall.Attempt<T> attempt) {
    if (primaryHere && attempt.index == 0) {
      keepPrimaryForCaller(call, attempt);
      return;
    }
    AttemptTask<T> task = new AttemptTask<>(call, attempt, body);
    executor.execute(task);
    // After execute: a task the executor refused must not be cancelled (and so reported) too.
    attempt.setFuture(task);
  }

  @Override
  public boolean keepPrimaryForCaller(HedgedCall<T> call, HedgedCall.Attempt<T> attempt) {
    CallerTask<T> task = new CallerTask<>(call, attempt, body);
    pending = task;
    attempt.setFuture(task);
    return true;
  }

  /** Runs the primary kept for the calling thread, if any. */
  void runPrimaryHere() {
    CallerTask<T> task = pending;
    if (task != null) {
      pending = null;
      task.runOnCaller();
    }
  }

  /**
   * The primary, run on the calling thread. Cancelling it interrupts the caller only while the body
   * runs, and the caller clears that interrupt when the body returns, so it does not leak into the
   * caller's later code. (An interrupt from elsewhere that lands while the body runs and the call
   * is also cancelling it cannot be told apart, and is cleared too.)
   */
  private static final class CallerTask<T> extends AttemptTask<T> {
    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int RETURNED = 2;

    // Guarded by this.
    private int phase = WAITING;
    private Thread caller;
    private boolean interruptedCaller;

    CallerTask(
        HedgedCall<T> call, HedgedCall.Attempt<T> attempt, Function<AttemptContext, T> body) {
      super(call, attempt, body);
    }

    void runOnCaller() {
      synchronized (this) {
        caller = Thread.currentThread();
        phase = RUNNING;
      }
      try {
        run();
      } finally {
        boolean clear;
        synchronized (this) {
          phase = RETURNED;
          caller = null;
          clear = interruptedCaller;
        }
        if (clear) {
          Thread.interrupted();
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(false);
      if (cancelled && mayInterruptIfRunning) {
        synchronized (this) {
          if (phase == RUNNING) {
            interruptedCaller = true;
            caller.interrupt();
          }
        }
      }
      return cancelled;
    }
  }

  /**
   * A blocking attempt. Once cancelled it reports its end at once ({@link #done()}); what its body
   * returns afterwards never reaches the call, so {@link #set} closes it.
   */
  private static class AttemptTask<T> extends FutureTask<T> {
    private final HedgedCall<T> call;
    private final HedgedCall.Attempt<T> attempt;

    AttemptTask(
        HedgedCall<T> call, HedgedCall.Attempt<T> attempt, Function<AttemptContext, T> body) {
      super(() -> body.apply(attempt.context));
      this.call = call;
      this.attempt = attempt;
    }

    @Override
    protected void set(T value) {
      super.set(value);
      if (isCancelled()) { // cancelled before the body returned: the value was dropped
        call.discardUnlessReturned(value);
      }
    }

    @Override
    protected void done() {
      T value = null;
      Throwable error = null;
      if (isCancelled()) {
        error = new CancellationException("attempt " + attempt.index + " cancelled");
      } else {
        try {
          value = get();
        } catch (ExecutionException e) {
          error = e.getCause();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // cannot happen: the task is done
          error = e;
        }
      }
      call.attemptEnded(attempt, value, error);
    }
  }
}
