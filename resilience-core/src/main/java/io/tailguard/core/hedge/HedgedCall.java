package io.tailguard.core.hedge;

import io.tailguard.core.breaker.CallGuard;
import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitRejectedException;
import io.tailguard.core.internal.Failures;
import io.tailguard.core.time.Scheduler.ScheduledTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * One hedged call: its attempts, the timer of the next hedge, the timeout, and the decision of how
 * the call ends.
 *
 * <p>Thread-safety: attempts end on executor threads, timers fire on the scheduler thread, and the
 * caller may cancel, all concurrently. Every decision reads and writes the fields marked "guarded
 * by this" under this object's monitor, and every side effect (starting an attempt, cancelling
 * attempts, completing the result, events) happens after the monitor is released, so an executor
 * that runs an attempt on the calling thread cannot re-enter a half-made decision. The monitor is
 * per call, so calls never contend with each other.
 */
final class HedgedCall<T> {

  /** Starts the body of an attempt; its end must be reported with {@link #attemptEnded}. */
  interface Runner<T> {
    void start(HedgedCall<T> call, Attempt<T> attempt);
  }

  /** The longest wait between two tries of a hedge the budget refused. */
  static final long MAX_RECHECK_NANOS = 1_000_000_000L;

  private final Hedger hedger;
  private final HedgeConfig config;
  private final Runner<T> runner;
  private final AttemptContext.CallKey key = new AttemptContext.CallKey();
  final CompletableFuture<T> result = new CompletableFuture<>();
  final long startNanos;
  private final int maxAttempts;

  // Guarded by this.
  private final Attempt<?>[] attempts;
  private final Throwable[] failures;
  private final Object[] unacceptable;
  private final boolean[] isUnacceptable;
  private int started;
  private int ended;
  private boolean done;
  private boolean stopHedging;
  private ScheduledTask hedgeTimer;
  private ScheduledTask timeoutTimer;
  private boolean primaryReported;
  // Times the budget refused the next hedge at its timer; the timer is then armed again.
  private int refusals;

  HedgedCall(Hedger hedger, HedgeConfig config, Runner<T> runner, long startNanos) {
    this.hedger = hedger;
    this.config = config;
    this.runner = runner;
    this.startNanos = startNanos;
    this.maxAttempts = config.idempotent() ? config.maxHedges() + 1 : 1;
    this.attempts = new Attempt<?>[maxAttempts];
    this.failures = new Throwable[maxAttempts];
    this.unacceptable = new Object[maxAttempts];
    this.isUnacceptable = new boolean[maxAttempts];
  }

  /**
   * Starts the primary and the timers.
   *
   * @return false if the executor refused the primary (nothing else was started)
   */
  boolean start() {
    hedger.budget().onPrimary();
    synchronized (this) {
      started = 1;
    }
    ScheduledTask timeout = hedger.scheduler().schedule(this::onTimeout, config.timeout());
    synchronized (this) {
      timeoutTimer = timeout;
    }
    if (!launch(0, null)) {
      return false;
    }
    scheduleNextHedge(0);
    result.whenComplete(
        (v, e) -> {
          if (result.isCancelled()) {
            cancel(HedgeEvent.Outcome.CANCELLED);
          }
        });
    return true;
  }

  /** Cancels the call: the caller gave up, or the hedger is closing. */
  void cancel(HedgeEvent.Outcome why) {
    finish(
        why,
        null,
        new CancellationException("hedged call of '" + hedger.name() + "' cancelled"),
        -1);
  }

  /**
   * Starts attempt {@code k}, whose slot is already reserved.
   *
   * @return false only if the executor refused the primary
   */
  private boolean launch(int k, HedgeEvent.Trigger trigger) {
    CallGuard guard = null;
    CircuitBreaker breaker = hedger.breaker();
    if (breaker != null) {
      try {
        guard = breaker.acquire();
      } catch (CircuitRejectedException e) {
        notStarted(k, e, true);
        return true;
      }
    }
    Attempt<T> a =
        new Attempt<>(
            k, new AttemptContext(hedger.name(), k, key), guard, hedger.clock().nanoTime());
    boolean abandoned;
    synchronized (this) {
      attempts[k] = a;
      abandoned = done;
    }
    if (abandoned) {
      a.cancel();
      a.releaseGuard();
      return true;
    }
    hedger.onAttemptStarted(k, trigger);
    try {
      runner.start(this, a);
    } catch (RejectedExecutionException e) {
      a.releaseGuard();
      hedger.onExecutorRefused(k);
      if (k == 0) {
        synchronized (this) {
          done = true;
          cancelTimersLocked();
        }
        return false;
      }
      notStarted(k, e, false);
    }
    return true;
  }

  /** Attempt k could not start: a breaker refused it, or the executor did. */
  private void notStarted(int k, Throwable why, boolean breakerRejected) {
    if (k > 0 && breakerRejected) {
      hedger.budget().refund();
    }
    Decision d;
    synchronized (this) {
      ended++;
      stopHedging = true;
      if (done) {
        return;
      }
      if (k == 0) {
        failures[0] = why;
      }
      d = decideAfterEndLocked(false);
    }
    apply(d);
  }

  /** Arms the timer of the attempt after {@code launched}, unless something already moved on. */
  private void scheduleNextHedge(int launched) {
    int next = launched + 1;
    synchronized (this) {
      if (done || stopHedging || next >= maxAttempts || started != next) {
        return;
      }
    }
    armHedgeTimer(next, hedger.delayNanos(next));
  }

  private void armHedgeTimer(int next, long delay) {
    ScheduledTask timer = hedger.scheduler().schedule(this::onHedgeTimer, Duration.ofNanos(delay));
    ScheduledTask stale = null;
    boolean cancel;
    synchronized (this) {
      cancel = done || stopHedging || started != next;
      if (!cancel) {
        stale = hedgeTimer;
        hedgeTimer = timer;
      }
    }
    if (cancel) {
      timer.cancel();
    }
    if (stale != null) {
      stale.cancel();
    }
  }

  private void onHedgeTimer() {
    int k;
    int refused;
    synchronized (this) {
      if (done || stopHedging || started >= maxAttempts) {
        return;
      }
      hedgeTimer = null;
      if (hedger.budget().tryAcquire()) {
        k = started++;
        refused = 0;
      } else {
        k = started;
        refused = ++refusals;
      }
    }
    if (refused > 0) {
      // A call this slow is the one hedging is for: wait for a token rather than give up, trying
      // again after twice the delay each time, at most MAX_RECHECK_NANOS apart, until the call
      // ends. Only the first refusal of a call counts.
      if (refused == 1) {
        hedger.onBudgetExhausted(true);
      }
      int shift = Math.min(refused, 30);
      long base = Math.max(1, hedger.delayNanos(k));
      long wait = base > (MAX_RECHECK_NANOS >> shift) ? MAX_RECHECK_NANOS : base << shift;
      armHedgeTimer(k, wait);
      return;
    }
    launch(k, HedgeEvent.Trigger.DELAY);
    scheduleNextHedge(k);
  }

  private void onTimeout() {
    int n;
    synchronized (this) {
      n = started;
    }
    HedgeTimeoutException e = new HedgeTimeoutException(hedger.name(), config.timeout(), n);
    finish(HedgeEvent.Outcome.TIMEOUT, null, e, -1);
  }

  /** Reports the end of an attempt's body. */
  void attemptEnded(Attempt<T> a, T value, Throwable error) {
    long now = hedger.clock().nanoTime();
    long elapsed = now - a.startNanos;
    boolean superseded = a.cancelled;
    Throwable cause = Failures.unwrap(error);
    if (superseded) {
      a.releaseGuard();
    } else if (cause == null) {
      a.succeedGuard();
    } else {
      a.failGuard(cause);
    }
    if (superseded) {
      hedger.feedLatency(elapsed);
    } else if (cause == null) {
      hedger.feedLatency(elapsed);
      hedger.feedSuccess();
    } else {
      hedger.feedFailure();
    }
    if (a.index == 0) {
      if (superseded) {
        reportPrimary(elapsed, false);
      } else if (cause == null) {
        reportPrimary(elapsed, true);
      } else {
        // A failed primary says nothing about how long an answer takes (a fast failure would
        // drag the delay down), so it is not reported; finish() must not report it either.
        skipPrimaryReport();
      }
    }
    Decision d;
    synchronized (this) {
      ended++;
      if (done) {
        return;
      }
      if (cause == null && !isUnacceptable(value)) {
        d = Decision.win(a.index, value);
      } else if (cause != null && config.isFatal(cause)) {
        d = Decision.fail(cause);
      } else {
        boolean fireNow;
        HedgeEvent.Trigger trigger;
        if (cause != null) {
          failures[a.index] = cause;
          fireNow = config.isRetryable(cause);
          trigger = HedgeEvent.Trigger.RETRYABLE_FAILURE;
        } else {
          unacceptable[a.index] = value;
          isUnacceptable[a.index] = true;
          fireNow = true;
          trigger = HedgeEvent.Trigger.UNACCEPTABLE_RESULT;
        }
        d = fireNow ? fireNowLocked(trigger) : decideAfterEndLocked(false);
      }
    }
    apply(d);
  }

  private boolean isUnacceptable(T value) {
    try {
      return config.unacceptableResult().test(value);
    } catch (RuntimeException e) {
      hedger.onStrategyFault(e);
      return false;
    }
  }

  private void reportPrimary(long elapsed, boolean completed) {
    synchronized (this) {
      if (primaryReported) {
        return;
      }
      primaryReported = true;
    }
    hedger.feedPrimary(elapsed, completed);
  }

  private synchronized void skipPrimaryReport() {
    primaryReported = true;
  }

  // Holds this. Starts the next attempt at once if allowed, else decides whether the call is over.
  private Decision fireNowLocked(HedgeEvent.Trigger trigger) {
    if (!stopHedging && started < maxAttempts) {
      if (hedger.budget().tryAcquire()) {
        if (hedgeTimer != null) {
          hedgeTimer.cancel();
          hedgeTimer = null;
        }
        return Decision.launch(started++, trigger);
      }
      stopHedging = true;
      return decideAfterEndLocked(true);
    }
    return decideAfterEndLocked(false);
  }

  // Holds this. After an attempt ended without an answer: launch another or fail the call.
  private Decision decideAfterEndLocked(boolean budgetExhausted) {
    if (ended < started) {
      return budgetExhausted ? Decision.budgetExhausted() : Decision.none();
    }
    // Nothing is running. Waiting for the next timer would be pointless.
    if (!stopHedging && started < maxAttempts) {
      if (hedger.budget().tryAcquire()) {
        if (hedgeTimer != null) {
          hedgeTimer.cancel();
          hedgeTimer = null;
        }
        return Decision.launch(started++, HedgeEvent.Trigger.ALL_ENDED);
      }
      stopHedging = true;
      budgetExhausted = true;
    }
    for (int i = 0; i < started; i++) {
      if (isUnacceptable[i]) {
        Decision d = Decision.win(i, unacceptable[i]);
        d.budgetExhausted = budgetExhausted;
        return d;
      }
    }
    Throwable primary = null;
    for (int i = 0; i < started; i++) {
      if (failures[i] != null) {
        if (primary == null) {
          primary = failures[i];
        } else if (failures[i] != primary) {
          primary.addSuppressed(failures[i]);
        }
      }
    }
    if (primary == null) {
      primary = new IllegalStateException("hedged call of '" + hedger.name() + "' had no attempt");
    }
    Decision d = Decision.fail(primary);
    d.budgetExhausted = budgetExhausted;
    return d;
  }

  private void apply(Decision d) {
    if (d.budgetExhausted) {
      hedger.onBudgetExhausted(false);
    }
    switch (d.kind) {
      case NONE:
        return;
      case LAUNCH:
        launch(d.attempt, d.trigger);
        scheduleNextHedge(d.attempt);
        return;
      case WIN:
        finish(HedgeEvent.Outcome.SUCCESS, d.value, null, d.attempt);
        return;
      case FAIL:
        finish(HedgeEvent.Outcome.FAILURE, null, d.error, -1);
        return;
      default:
        throw new AssertionError(d.kind);
    }
  }

  @SuppressWarnings("unchecked")
  private void finish(HedgeEvent.Outcome outcome, Object value, Throwable error, int winner) {
    List<Attempt<?>> losers = new ArrayList<>();
    int n;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      cancelTimersLocked();
      n = started;
      for (int i = 0; i < started; i++) {
        if (attempts[i] != null && i != winner) {
          losers.add(attempts[i]);
        }
      }
      if (outcome == HedgeEvent.Outcome.TIMEOUT) {
        for (int i = 0; i < started; i++) {
          if (failures[i] != null && failures[i] != error) {
            error.addSuppressed(failures[i]);
          }
        }
      }
    }
    // Tell every other attempt to stop before the caller sees the answer.
    for (Attempt<?> a : losers) {
      a.cancel();
    }
    Attempt<?> primary;
    synchronized (this) {
      primary = attempts[0];
    }
    if (primary != null && winner != 0) {
      reportPrimary(hedger.clock().nanoTime() - primary.startNanos, false);
    }
    hedger.onCallCompleted(outcome, winner, n, hedger.clock().nanoTime() - startNanos);
    if (error == null) {
      result.complete((T) value);
    } else {
      result.completeExceptionally(error);
    }
  }

  // Holds this.
  private void cancelTimersLocked() {
    if (hedgeTimer != null) {
      hedgeTimer.cancel();
      hedgeTimer = null;
    }
    if (timeoutTimer != null) {
      timeoutTimer.cancel();
      timeoutTimer = null;
    }
  }

  /** What to do after a decision made under the monitor. */
  private static final class Decision {
    enum Kind {
      NONE,
      LAUNCH,
      WIN,
      FAIL
    }

    private static final Decision NONE = new Decision(Kind.NONE);

    final Kind kind;
    int attempt;
    HedgeEvent.Trigger trigger;
    Object value;
    Throwable error;
    boolean budgetExhausted;

    private Decision(Kind kind) {
      this.kind = kind;
    }

    static Decision none() {
      return NONE;
    }

    static Decision budgetExhausted() {
      Decision d = new Decision(Kind.NONE);
      d.budgetExhausted = true;
      return d;
    }

    static Decision launch(int attempt, HedgeEvent.Trigger trigger) {
      Decision d = new Decision(Kind.LAUNCH);
      d.attempt = attempt;
      d.trigger = trigger;
      return d;
    }

    static Decision win(int attempt, Object value) {
      Decision d = new Decision(Kind.WIN);
      d.attempt = attempt;
      d.value = value;
      return d;
    }

    static Decision fail(Throwable error) {
      Decision d = new Decision(Kind.FAIL);
      d.error = error;
      return d;
    }
  }

  /**
   * One attempt: its context, its breaker permit, and what to cancel.
   *
   * <p>Thread-safety: {@code cancelled}, {@code future} and {@code stage} are volatile; {@link
   * #cancel()} sets {@code cancelled} then reads the handles, and a runner sets a handle then reads
   * {@code cancelled}, so whichever comes second cancels the body.
   */
  static final class Attempt<T> {
    final int index;
    final AttemptContext context;
    final long startNanos;
    private final CallGuard guard;
    volatile boolean cancelled;
    private volatile java.util.concurrent.Future<?> future;
    private volatile CompletionStage<T> stage;

    Attempt(int index, AttemptContext context, CallGuard guard, long startNanos) {
      this.index = index;
      this.context = context;
      this.guard = guard;
      this.startNanos = startNanos;
    }

    void cancel() {
      cancelled = true;
      context.cancel();
      java.util.concurrent.Future<?> f = future;
      if (f != null) {
        f.cancel(true);
      }
      CompletionStage<T> s = stage;
      if (s != null) {
        cancelStage(s);
      }
    }

    void setFuture(java.util.concurrent.Future<?> f) {
      future = f;
      if (cancelled) {
        f.cancel(true);
      }
    }

    void setStage(CompletionStage<T> s) {
      stage = s;
      if (cancelled) {
        cancelStage(s);
      }
    }

    private static void cancelStage(CompletionStage<?> s) {
      try {
        s.toCompletableFuture().cancel(true);
      } catch (UnsupportedOperationException e) {
        // a stage that cannot be converted cannot be cancelled; its attempt's context says so
      }
    }

    void releaseGuard() {
      if (guard != null) {
        guard.release();
      }
    }

    void succeedGuard() {
      if (guard != null) {
        guard.success();
      }
    }

    void failGuard(Throwable t) {
      if (guard != null) {
        guard.failure(t);
      }
    }
  }
}
