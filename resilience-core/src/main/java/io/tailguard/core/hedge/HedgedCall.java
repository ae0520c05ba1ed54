package io.tailguard.core.hedge;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.internal.Failures;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.time.Scheduler.ScheduledTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>What the call leaves behind: a result that no caller will see (a loser's, one that arrives
 * after the call ended, an unacceptable result that is not returned) is {@linkplain
 * #discard(Object) closed} if it is {@link AutoCloseable}, unless it is the very object the call
 * returned.
 */
final class HedgedCall<T> {

  private static final Logger log = LoggerFactory.getLogger(Hedger.class);

  /** Starts the body of an attempt; its end must be reported with {@link #attemptEnded}. */
  interface Runner<T> {
    void start(HedgedCall<T> call, Attempt<T> attempt);

    /**
     * The executor refused the primary: keeps it to run on the calling thread, if this runner can.
     *
     * @return false if it cannot, and the call fails with the executor's refusal
     */
    default boolean keepPrimaryForCaller(HedgedCall<T> call, Attempt<T> attempt) {
      return false;
    }
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
  // Why the call ended, and what it returned (compared by identity, never closed); set with done.
  private AttemptContext.CancelReason endReason;
  private Object returned;
  // The first refusal (a breaker's or a rate limiter's) of an attempt; it ends the call.
  private Throwable refusal;
  private boolean stopHedging;
  private ScheduledTask hedgeTimer;
  // Counts armings and disarmings of the hedge timer: only the timer of the latest arming acts, so
  // one that fires before its arming could store it (a sub-millisecond delay), or while it is
  // being cancelled, does nothing twice and is not mistaken for its successor.
  private int armings;
  private ScheduledTask timeoutTimer;
  private boolean primaryReported;
  // The delay the first hedge was first armed with, -1 until armed; whether its timer launched it.
  private long firstHedgeDelay = -1;
  private boolean firstHedgeByDelay;
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

  /** Starts the primary and the timers. */
  void start() {
    hedger.budget().onPrimary();
    synchronized (this) {
      started = 1;
    }
    ScheduledTask timeout = hedger.scheduler().schedule(this::onTimeout, config.timeout());
    synchronized (this) {
      timeoutTimer = timeout;
    }
    launch(0, null);
    scheduleNextHedge(0);
    result.whenComplete(
        (v, e) -> {
          if (result.isCancelled()) {
            cancel(HedgeEvent.Outcome.CANCELLED);
          }
        });
  }

  /** Cancels the call: the caller gave up, or the hedger is closing. */
  void cancel(HedgeEvent.Outcome why) {
    finish(
        why,
        null,
        new CancellationException("hedged call of '" + hedger.name() + "' cancelled"),
        -1);
  }

  /** Starts attempt {@code k}, whose slot is already reserved. */
  private void launch(int k, HedgeEvent.Trigger trigger) {
    CallGuard guard = null;
    CircuitBreaker breaker = hedger.breaker();
    if (breaker != null) {
      try {
        guard = breaker.acquire();
      } catch (CircuitRejectedException e) {
        notStarted(k, e, true);
        return;
      }
    }
    Attempt<T> a =
        new Attempt<>(
            k, new AttemptContext(hedger.name(), k, key), guard, hedger.clock().nanoTime());
    boolean abandoned;
    AttemptContext.CancelReason why;
    synchronized (this) {
      attempts[k] = a;
      abandoned = done;
      why = endReason;
    }
    if (abandoned) {
      a.cancel(why);
      a.releaseGuard();
      return;
    }
    hedger.onAttemptStarted(k, trigger);
    try {
      runner.start(this, a);
    } catch (RejectedExecutionException e) {
      hedger.onExecutorRefused(k);
      if (k == 0 && runner.keepPrimaryForCaller(this, a)) {
        // A saturated executor: the primary runs on the caller's thread, still under the
        // timeout, and the call sends no hedge (it would only add load to a saturated service).
        synchronized (this) {
          stopHedging = true;
        }
        return;
      }
      a.releaseGuard();
      if (k == 1) {
        synchronized (this) {
          firstHedgeByDelay = false; // it beat nothing: no outcome to report
        }
      }
      notStarted(k, e, false);
    }
  }

  /**
   * Attempt k could not start: a breaker refused it ({@code refused}), or the executor did. A
   * refusal ends the call (see {@link #refusedLocked}); a hedge the executor refused stops hedging.
   */
  private void notStarted(int k, Throwable why, boolean refused) {
    if (k > 0 && refused) {
      hedger.budget().refund();
    }
    Decision d;
    synchronized (this) {
      ended++;
      stopHedging = true;
      if (done) {
        return;
      }
      if (refused) {
        d = refusedLocked(k, why);
      } else {
        if (k == 0) {
          failures[0] = why;
        }
        d = decideAfterEndLocked(false);
      }
    }
    apply(d);
  }

  /**
   * Returns whether {@code failure} is a refusal rather than a failure of the dependency: a circuit
   * breaker or a rate limiter in front of it (inside the attempt, or the hedger's own breaker)
   * refused the attempt.
   */
  static boolean isRefusal(Throwable failure) {
    return failure instanceof CircuitRejectedException
        || failure instanceof RateLimitExceededException;
  }

  /**
   * Holds this. Attempt k was refused: no hedge follows (each would be refused too, and cost a
   * token), and once no attempt is running the call fails with the first refusal. An attempt that
   * is still running is left to answer: it holds a permit the breaker granted, perhaps its
   * half-open trial.
   */
  private Decision refusedLocked(int k, Throwable why) {
    stopHedging = true;
    disarmLocked();
    failures[k] = why;
    if (refusal == null) {
      refusal = why;
    }
    return decideAfterEndLocked(false);
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
    int armed;
    synchronized (this) {
      if (done || stopHedging || started != next) {
        return;
      }
      if (next == 1 && firstHedgeDelay < 0) {
        firstHedgeDelay = delay; // the delay's, not a later wait for a token
      }
      armed = ++armings;
    }
    // Scheduled outside the lock: the timer may fire, and even arm its successor, before the
    // scheduler returns it.
    ScheduledTask timer =
        hedger.scheduler().schedule(() -> onHedgeTimer(armed), Duration.ofNanos(delay));
    ScheduledTask stale = null;
    boolean current;
    synchronized (this) {
      current = armed == armings && !done && !stopHedging && started == next;
      if (current) {
        stale = hedgeTimer;
        hedgeTimer = timer;
      }
    }
    if (!current) {
      timer.cancel(); // superseded, or the call moved on: a no-op if it already fired
    }
    if (stale != null) {
      stale.cancel();
    }
  }

  // Holds this. Cancels the hedge timer; one that fires anyway finds itself superseded.
  private void disarmLocked() {
    armings++;
    if (hedgeTimer != null) {
      hedgeTimer.cancel();
      hedgeTimer = null;
    }
  }

  private void onHedgeTimer(int armed) {
    int k;
    int refused;
    synchronized (this) {
      if (done || stopHedging || started >= maxAttempts || armed != armings) {
        return;
      }
      hedgeTimer = null;
      if (hedger.budget().tryAcquire()) {
        k = started++;
        refused = 0;
        firstHedgeByDelay |= k == 1;
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
    // A refusal is not the dependency's answer: the breaker and the strategy learn nothing, and a
    // hedge gets its token back.
    boolean refused = cause != null && isRefusal(cause);
    if (superseded || refused) {
      a.releaseGuard();
    } else if (cause == null) {
      a.succeedGuard();
    } else {
      a.failGuard(cause);
    }
    if (refused) {
      if (a.index > 0) {
        hedger.budget().refund();
      }
    } else if (superseded) {
      hedger.feedLatency(elapsed);
    } else if (cause == null) {
      hedger.feedLatency(elapsed);
      hedger.feedSuccess();
    } else {
      hedger.feedFailure();
    }
    if (a.index == 0) {
      if (refused) {
        skipPrimaryReport();
      } else if (superseded) {
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
        d = null;
      } else if (cause == null && !isUnacceptable(value)) {
        d = Decision.win(a.index, value);
      } else if (cause != null && config.isFatal(cause)) {
        d = Decision.fail(cause);
      } else if (refused) {
        d = refusedLocked(a.index, cause);
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
    if (d == null) {
      // The call ended without this attempt (it lost, or came after the timeout): nobody will
      // see its result.
      if (cause == null) {
        discardUnlessReturned(value);
      }
      return;
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
      if (hedger.budget().tryAcquireAfterFailure()) {
        disarmLocked();
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
      if (hedger.budget().tryAcquireAfterFailure()) {
        disarmLocked();
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
    // A refusal first: it says why no attempt could answer (the breaker is open, the limit is
    // reached), which is what the caller's fallback or retry needs to know. Else the earliest
    // failure, the primary's if it failed.
    Throwable first = refusal;
    for (int i = 0; i < started && first == null; i++) {
      first = failures[i];
    }
    if (first == null) {
      first = new IllegalStateException("hedged call of '" + hedger.name() + "' had no attempt");
    }
    Decision d = Decision.fail(first);
    d.others = failures.clone();
    d.budgetExhausted = budgetExhausted;
    return d;
  }

  /**
   * Attaches {@code others} to {@code main} as suppressed exceptions, each distinct instance once
   * and never {@code main} itself, unless {@code main} already carries suppressed exceptions. That
   * bound matters for an exception instance thrown by many calls (a static or cached exception):
   * its suppressed list would otherwise grow by a call's failures on every call, for ever. Such an
   * instance keeps what the first call attached; a fresh exception, the usual case, gets them all.
   * Checked and attached under {@code main}'s monitor, the lock {@link Throwable#addSuppressed}
   * takes, so two calls failing with the same instance at once attach one set.
   */
  static void attachSuppressed(Throwable main, Throwable[] others) {
    if (others == null) {
      return;
    }
    synchronized (main) {
      if (main.getSuppressed().length > 0) {
        return;
      }
      for (int i = 0; i < others.length; i++) {
        Throwable t = others[i];
        if (t != null && t != main && !appearsBefore(others, i, t)) {
          main.addSuppressed(t);
        }
      }
    }
  }

  private static boolean appearsBefore(Throwable[] all, int end, Throwable t) {
    for (int j = 0; j < end; j++) {
      if (all[j] == t) {
        return true;
      }
    }
    return false;
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
        attachSuppressed(d.error, d.others);
        finish(HedgeEvent.Outcome.FAILURE, null, d.error, -1);
        return;
      default:
        throw new AssertionError(d.kind);
    }
  }

  @SuppressWarnings("unchecked")
  private void finish(HedgeEvent.Outcome outcome, Object value, Throwable error, int winner) {
    List<Attempt<?>> losers = new ArrayList<>();
    List<Object> unreturned = new ArrayList<>();
    Throwable[] earlier = null;
    AttemptContext.CancelReason why = cancelReason(outcome);
    int n = 0;
    boolean ends;
    boolean dropValue;
    synchronized (this) {
      ends = !done;
      // Another decision ended the call first (two attempts answered at the same moment): this
      // value is nobody's, unless it is the returned object or an unacceptable result, which the
      // first decision closes with the others.
      dropValue = !ends && value != returned && !(winner >= 0 && isUnacceptable[winner]);
      if (ends) {
        done = true;
        endReason = why;
        returned = value;
        cancelTimersLocked();
        n = started;
        for (int i = 0; i < started; i++) {
          if (attempts[i] != null && i != winner) {
            losers.add(attempts[i]);
          }
          if (isUnacceptable[i] && i != winner) {
            unreturned.add(unacceptable[i]);
          }
        }
        if (outcome == HedgeEvent.Outcome.TIMEOUT) {
          earlier = failures.clone();
        }
      }
    }
    if (!ends) {
      if (dropValue) {
        discard(value);
      }
      return;
    }
    if (outcome == HedgeEvent.Outcome.TIMEOUT) {
      attachSuppressed(error, earlier);
      // The dependency did not answer in time: every attempt still running counts as its
      // failure (and, by its latency, a slow call) before the permit could be released as a
      // cancelled loser's is.
      for (Attempt<?> a : losers) {
        a.timedOut();
      }
    }
    // Tell every other attempt to stop before the caller sees the answer.
    for (Attempt<?> a : losers) {
      a.cancel(why);
    }
    Attempt<?> primary;
    long hedgeDelay = -1;
    synchronized (this) {
      primary = attempts[0];
      // Who won a call whose first hedge its delay sent, if both the primary and that hedge ran
      // without failing (a hedge never started, or one that failed, beat nothing).
      if (outcome == HedgeEvent.Outcome.SUCCESS
          && firstHedgeByDelay
          && failures[0] == null
          && !isUnacceptable[0]
          && failures[1] == null
          && !isUnacceptable[1]) {
        hedgeDelay = firstHedgeDelay;
      }
    }
    if (primary != null && winner != 0) {
      reportPrimary(hedger.clock().nanoTime() - primary.startNanos, false);
    }
    if (hedgeDelay >= 0) {
      hedger.feedHedgeOutcome(hedgeDelay, winner > 0);
    }
    hedger.onCallCompleted(outcome, winner, n, hedger.clock().nanoTime() - startNanos);
    for (int i = 0; i < unreturned.size(); i++) {
      Object u = unreturned.get(i);
      if (u != value && indexOfSame(unreturned, u) == i) {
        discard(u);
      }
    }
    if (error == null) {
      if (!result.complete((T) value)) {
        discard(value); // the caller cancelled the call meanwhile
      }
    } else {
      result.completeExceptionally(error);
    }
  }

  private static int indexOfSame(List<Object> values, Object v) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == v) {
        return i;
      }
    }
    return -1;
  }

  private static AttemptContext.CancelReason cancelReason(HedgeEvent.Outcome outcome) {
    switch (outcome) {
      case SUCCESS:
        return AttemptContext.CancelReason.ANOTHER_ATTEMPT_WON;
      case TIMEOUT:
        return AttemptContext.CancelReason.TIMED_OUT;
      case FAILURE:
        return AttemptContext.CancelReason.CALL_FAILED;
      default:
        return AttemptContext.CancelReason.CALL_CANCELLED;
    }
  }

  /** Closes a result that arrived after the call ended, unless the call returned that object. */
  void discardUnlessReturned(Object value) {
    Object r;
    synchronized (this) {
      r = returned;
    }
    if (value != r) {
      discard(value);
    }
  }

  /**
   * Closes a result no caller will see, if it holds a resource ({@link AutoCloseable}): a stream or
   * a response would otherwise leak. A failure to close is logged at debug and goes no further.
   */
  void discard(Object value) {
    if (!(value instanceof AutoCloseable)) {
      return;
    }
    try {
      ((AutoCloseable) value).close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.debug("Hedger '{}': closing the result of a losing attempt failed", hedger.name(), e);
    }
  }

  // Holds this.
  private void cancelTimersLocked() {
    disarmLocked();
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
    // For FAIL: every attempt's failure, to attach to error as suppressed; null if none.
    Throwable[] others;
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

    void cancel(AttemptContext.CancelReason why) {
      cancelled = true;
      context.cancel(why);
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

    /**
     * The call timed out while this attempt ran: a failure of the dependency, whatever the body
     * does once interrupted. Reported without an exception, so that neither the exception's type
     * nor an interrupt of the reporting thread can turn it into a release.
     */
    void timedOut() {
      if (guard != null) {
        guard.failure();
      }
    }
  }
}
