package io.tailguard.core.breaker;

import static io.tailguard.core.breaker.StateWord.ONE_IN_FLIGHT;
import static io.tailguard.core.breaker.StateWord.failures;
import static io.tailguard.core.breaker.StateWord.generation;
import static io.tailguard.core.breaker.StateWord.inFlight;
import static io.tailguard.core.breaker.StateWord.isClosed;
import static io.tailguard.core.breaker.StateWord.isLater;
import static io.tailguard.core.breaker.StateWord.nextGeneration;
import static io.tailguard.core.breaker.StateWord.stateOf;
import static io.tailguard.core.breaker.StateWord.successes;
import static io.tailguard.core.breaker.StateWord.word;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.Durations;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.internal.window.OutcomeCells;
import io.tailguard.core.internal.window.RollingWindow;
import io.tailguard.core.internal.window.WindowSnapshot;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A circuit breaker: it lets calls to a dependency through while they mostly succeed, refuses them
 * for a cooldown once they mostly fail, then lets a few trial calls decide whether to close again.
 *
 * <h2>States</h2>
 *
 * <ul>
 *   <li>{@link CircuitState#CLOSED}: calls pass; outcomes are counted in a rolling window. The
 *       breaker opens when the window holds at least {@code minCalls} calls and the failure rate or
 *       slow-call rate reaches its threshold, or the failure rate reaches the adaptive threshold,
 *       or the health score falls to {@code criticalHealthScore}; or, whatever the window holds,
 *       when {@code consecutiveFailuresThreshold} calls fail in a row.
 *   <li>{@link CircuitState#OPEN}: calls are refused with {@link CircuitRejectedException}. The
 *       first acquire after the cooldown moves to half-open; no timer thread is involved. In a
 *       registry whose global fuse is open, a call the fuse refuses after the cooldown moves it
 *       too, since the fuse may be what keeps every call away from it.
 *   <li>{@link CircuitState#HALF_OPEN}: up to {@code halfOpenMaxConcurrent} trial calls at once.
 *       After {@code halfOpenRequiredSuccesses} successes the breaker closes with a fresh window;
 *       after more than {@code halfOpenAllowedFailures} failures (slow calls count as failures) it
 *       opens again with twice the previous cooldown, up to {@code maxOpenCooldown}. Trial permits
 *       left unreported for {@code halfOpenTrialTimeout} count as failures once every permit is
 *       out, so hung trials cannot keep the breaker refusing for ever.
 *   <li>{@link CircuitState#FORCED_OPEN} and {@link CircuitState#DISABLED}: set by an operator with
 *       {@link #forceOpen()} and {@link #disable()}; left with {@link #close()} or {@link
 *       #reset()}.
 * </ul>
 *
 * <p>{@code docs/circuit-breaker.md} has the state diagram and the full transition table.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * CircuitBreaker breaker = CircuitBreaker.of("payments", CircuitConfig.builder()
 *     .failureRateThreshold(0.25)
 *     .openCooldown(Duration.ofSeconds(10))
 *     .build());
 *
 * try (CallGuard guard = breaker.acquire()) {   // throws CircuitRejectedException when open
 *   Receipt receipt = payments.charge(order);
 *   guard.success();
 *   return receipt;
 * }
 *
 * Receipt receipt = breaker.call(() -> payments.charge(order));   // the same, in one line
 * }</pre>
 *
 * <p>This class is thread-safe. A closed breaker admits a call with a few volatile reads and no
 * atomic write, and records its outcome with one compare-and-set on a stripe of counters that the
 * calling thread has to itself in the steady state (see {@link OutcomeCells}); state changes are
 * compare-and-sets of one word.
 */
public final class CircuitBreaker {

  /*
   * Concurrency.
   *
   * `state` is one 64-bit word, changed only by compareAndSet: the CircuitState, the half-open
   * permits in flight, successes and failures, and the generation, incremented by every
   * transition and when trial permits time out (the layout is in StateWord).
   *
   * Keeping the half-open counters in the same word as the state makes every half-open decision
   * (take a permit, count an outcome, close or re-open) one CAS, so permits can never exceed
   * halfOpenMaxConcurrent and a permit from an earlier generation can never be counted in a later
   * trial: a guard remembers the generation it was granted in and is ignored once it differs.
   *
   * Trial permits that are never reported (a hung call) would keep HALF_OPEN refusing everything.
   * `lastTrialGrantNanos` is the start time of the latest trial permit granted; every grant writes
   * it (keeping the larger value) and then CASes the state word, both under `trialLock`. A caller
   * that finds every permit out and `now - lastTrialGrantNanos >= halfOpenTrialTimeout` knows that
   * every permit in the word is overdue (each was granted no later than the latest), and writes
   * them all off as failed trials in one CAS to a new generation (expireTrials). It makes that
   * decision under `trialLock` too: a release followed by a new grant could otherwise bring back
   * the very word it read, fresh permit included (ABA), and the fresh permit would be written off.
   * Releases and outcomes never recreate an earlier word (they lower the count or raise a
   * counter), so they need no lock. The lock is taken only to grant a trial permit, at most
   * halfOpenMaxConcurrent times per trial period, and to write permits off, never while CLOSED.
   *
   * `window` is the RollingWindow of the current closed period; its generation is the generation
   * of the CLOSED word it belongs to. A transition into CLOSED installs a fresh window before its
   * CAS; if a reader ever finds a CLOSED word whose generation differs from the window's, it
   * installs one itself (CAS), so each closed period has its own window and outcomes of calls
   * admitted earlier land in an old window and are ignored.
   *
   * The window's shape (bucket count and width) must follow the config. Whoever installs a window
   * reads the window, then the config, and after its CAS checks the shape again the same way
   * (refitWindow); reconfigure() writes the config, then refits the window. So of an installer and
   * a reconfiguration, whichever checks last sees the other's write: a window built from a config
   * read just before the reconfiguration is refitted by one of them and never outlives it.
   *
   * `openInfo` describes the current OPEN period. Only the thread whose CAS entered OPEN writes it,
   * after the CAS; a reader that sees OPEN before the matching OpenInfo is published treats the
   * breaker as just opened. That thread may be descheduled between its CAS and its write while an
   * operator's reset() and a new failure open the breaker again; a late plain write of the older
   * record would then leave the breaker OPEN waiting for a record that never comes. So the writer
   * reads the holder, checks that the state is still of its generation, and publishes by CAS from
   * what it read, retrying on failure: once the state has moved on it gives up, and a later open
   * that published in between makes its CAS fail. (An open can only be left before its record is
   * published by an operator's move, so a record of an open that is over is never needed.)
   * reset() clears it to forget the re-open history, but only by a CAS from an OpenInfo of a
   * generation before the reset, so it never erases the OpenInfo of an open that happened after
   * the reset (which would leave the breaker OPEN with no end to its cooldown).
   *
   * The generation has 31 bits and wraps; every new generation is masked to them, and "later" is
   * decided by serial-number arithmetic (RFC 1982), see StateWord.isLater().
   *
   * `config` is swapped whole by reconfigure() under `reconfigureLock`; a partial edit reads,
   * edits and swaps it under that lock, so concurrent edits are never lost. Every decision reads
   * it once.
   *
   * Outcomes (lifetime totals and window buckets) are counted in `cells`, one CAS per call (see
   * OutcomeCells); the ignored and rejected totals are LongAdders. Listeners, logging and the global fuse run outside any CAS
   * loop, on the thread that won the transition.
   */

  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  private static final VarHandle STATE;
  private static final VarHandle WINDOW;
  private static final VarHandle OPEN_INFO;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(CircuitBreaker.class, "state", long.class);
      WINDOW = lookup.findVarHandle(CircuitBreaker.class, "window", RollingWindow.class);
      OPEN_INFO = lookup.findVarHandle(CircuitBreaker.class, "openInfo", OpenInfo.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final Clock clock;
  private final GlobalFuse fuse;
  private final EventListeners<CircuitEvent> listeners = new EventListeners<>();
  // The registry's listeners, told about every event of this breaker too; null when standalone.
  private final EventListeners<CircuitEvent> parent;
  // Told about every call that ends or is refused; null when nobody records calls.
  private final CallRecorder recorder;
  private final AdaptiveBaseline baseline = new AdaptiveBaseline();
  private final RollingWindow.CompletedBucketListener baselineFeed = this::learnBucket;
  private final Object reconfigureLock = new Object();
  // Held by every grant of a trial permit and by expireTrials(); see the class comment.
  private final Object trialLock = new Object();

  // Lifetime outcome totals and the buckets of every window of this breaker.
  private final OutcomeCells cells = new OutcomeCells();
  private final LongAdder ignoredCalls = new LongAdder();
  private final LongAdder rejectedCalls = new LongAdder();

  // See the concurrency comment for the protocol of each.
  private volatile long state;
  private volatile RollingWindow window;
  private volatile OpenInfo openInfo;
  private volatile CircuitConfig config;

  // Wall time of the last transition into OPEN, or 0 if never; written by that transition's winner.
  private volatile long lastOpenedAtMillis;

  // The clock time of the latest trial permit granted (never decreases); written under trialLock.
  private volatile long lastTrialGrantNanos;

  private CircuitBreaker(
      String name,
      CircuitConfig config,
      Clock clock,
      GlobalFuse fuse,
      EventListeners<CircuitEvent> parent,
      CallRecorder recorder) {
    this.name = name;
    this.parent = parent;
    this.recorder = recorder;
    this.config = config;
    this.clock = clock;
    this.fuse = fuse;
    this.window = newWindow(0, clock.nanoTime(), config);
    this.lastTrialGrantNanos = clock.nanoTime();
    this.state = word(CircuitState.CLOSED, 0, 0, 0, 0);
  }

  /**
   * Creates a breaker with its own settings and the system clock.
   *
   * @param name the breaker's name, used in events, logs and metrics
   * @param config the settings
   * @return a new breaker
   * @throws IllegalArgumentException if an argument is {@code null} or the name is invalid
   */
  public static CircuitBreaker of(String name, CircuitConfig config) {
    return builder(name).config(config).build();
  }

  /**
   * Creates a breaker with the default settings and the system clock.
   *
   * @param name the breaker's name
   * @return a new breaker
   * @throws IllegalArgumentException if the name is invalid
   */
  public static CircuitBreaker ofDefaults(String name) {
    return builder(name).build();
  }

  /**
   * Returns a builder for a breaker.
   *
   * @param name the breaker's name: 1 to 128 letters, digits, {@code . _ - : /}, starting with a
   *     letter or digit
   * @return a new builder
   * @throws IllegalArgumentException if the name is invalid
   */
  public static Builder builder(String name) {
    return new Builder(InstanceNames.check("circuit breaker", name));
  }

  // ---------------------------------------------------------------------------------------------
  // The call path

  /**
   * Asks for permission to make one call.
   *
   * @return a guard to report the outcome to; close it in every case
   * @throws CircuitRejectedException if the breaker refuses the call
   */
  public CallGuard acquire() {
    long now = clock.nanoTime();
    long w = state;
    CircuitConfig c = config;
    if (isClosed(w)) {
      RollingWindow win = window;
      if (win.generation() == generation(w) && (fuse == null || !fuse.isOpen())) {
        return new CallGuard(this, c, now, CallGuard.KIND_CLOSED, win, 0, cells.stripe());
      }
    }
    return acquireSlow(now, c);
  }

  private CallGuard acquireSlow(long now, CircuitConfig c) {
    for (; ; ) {
      long w = state;
      switch (stateOf(w)) {
        case CLOSED:
          {
            RollingWindow win = window;
            if (win.generation() != generation(w)) {
              installWindow(generation(w), now);
              continue;
            }
            if (fuse != null && fuse.refuses(now)) {
              throw reject(
                  CircuitRejectedException.Reason.GLOBAL_OPEN,
                  fuse.retryAfter(now, c.openCooldown()));
            }
            return new CallGuard(this, c, now, CallGuard.KIND_CLOSED, win, 0, cells.stripe());
          }
        case DISABLED:
          return new CallGuard(this, c, now, CallGuard.KIND_DISABLED, null, 0, cells.stripe());
        case FORCED_OPEN:
          throw reject(CircuitRejectedException.Reason.FORCED_OPEN, c.openCooldown());
        case OPEN:
          {
            OpenInfo open = openInfo;
            if (open == null || open.generation != generation(w)) {
              throw reject(CircuitRejectedException.Reason.OPEN, c.openCooldown());
            }
            long remaining = open.untilNanos - now;
            if (remaining > 0) {
              throw reject(CircuitRejectedException.Reason.OPEN, Duration.ofNanos(remaining));
            }
            long gen = nextGeneration(generation(w));
            if (grantTrial(w, word(CircuitState.HALF_OPEN, gen, 1, 0, 0), now)) {
              onTransition(
                  CircuitState.OPEN, CircuitState.HALF_OPEN, TransitionReason.COOLDOWN_ELAPSED);
              return new CallGuard(
                  this, c, now, CallGuard.KIND_HALF_OPEN, null, gen, cells.stripe());
            }
            continue;
          }
        case HALF_OPEN:
          {
            if (inFlight(w) >= c.halfOpenMaxConcurrent()) {
              // Every permit is out. If the latest was granted halfOpenTrialTimeout ago, all are
              // overdue: write them off and look again; the first test takes no lock.
              if (now - lastTrialGrantNanos < c.trialTimeoutNanos() || !expireTrials(now, c)) {
                throw reject(CircuitRejectedException.Reason.HALF_OPEN_EXHAUSTED, Duration.ZERO);
              }
              continue;
            }
            if (grantTrial(w, w + ONE_IN_FLIGHT, now)) {
              return new CallGuard(
                  this, c, now, CallGuard.KIND_HALF_OPEN, null, generation(w), cells.stripe());
            }
            continue;
          }
      }
    }
  }

  private CircuitRejectedException reject(CircuitRejectedException.Reason reason, Duration wait) {
    rejectedCalls.increment();
    if (recorder != null) {
      recorder.callEnded(name, EngineType.CIRCUIT_BREAKER, CallOutcome.REJECTED, 0, 0);
    }
    if (hasListeners()) {
      publish(new CircuitEvent.CallRejected(name, clock.instant(), reason, wait));
    }
    return new CircuitRejectedException(name, reason, wait);
  }

  /**
   * Takes a trial permit whose call starts at {@code now}: stamps the start, then moves the state
   * from {@code w} to {@code next}; returns whether the compare-and-set won. Holds {@code
   * trialLock}, so no grant falls between an expiry's reads and its compare-and-set (see the class
   * comment).
   */
  private boolean grantTrial(long w, long next, long now) {
    synchronized (trialLock) {
      if (now - lastTrialGrantNanos > 0) {
        lastTrialGrantNanos = now; // before the CAS: a reader of the new word sees it
      }
      return STATE.compareAndSet(this, w, next);
    }
  }

  /**
   * Writes off the trial permits of a half-open period whose permits are all out and were all
   * granted at least {@code halfOpenTrialTimeout} before {@code now}: each counts as a failed
   * trial. More failures than {@code halfOpenAllowedFailures} re-open the breaker ({@link
   * TransitionReason#TRIAL_TIMED_OUT}); otherwise the period goes on in a new generation with every
   * permit free, so the written-off guards' late reports are ignored like any stale permit's.
   *
   * @return {@code true} if the caller should look at the state again, {@code false} if it should
   *     refuse (a permit granted meanwhile is not overdue)
   */
  private boolean expireTrials(long now, CircuitConfig c) {
    long w;
    long next;
    synchronized (trialLock) { // no permit can be granted until the CAS below: no ABA
      for (; ; ) {
        w = state;
        if (stateOf(w) != CircuitState.HALF_OPEN || inFlight(w) < c.halfOpenMaxConcurrent()) {
          return true; // the trial moved on or a permit came back
        }
        if (now - lastTrialGrantNanos < c.trialTimeoutNanos()) {
          return false;
        }
        long gen = nextGeneration(generation(w));
        long failures = failures(w) + inFlight(w);
        next =
            failures > c.halfOpenAllowedFailures()
                ? word(CircuitState.OPEN, gen, 0, 0, 0)
                : word(CircuitState.HALF_OPEN, gen, 0, successes(w), failures);
        if (STATE.compareAndSet(this, w, next)) {
          break;
        }
      }
    }
    log.atWarn()
        .addKeyValue("name", name)
        .addKeyValue("timed_out_trials", inFlight(w))
        .addKeyValue("timeout_ms", c.effectiveHalfOpenTrialTimeout().toMillis())
        .setMessage("Circuit breaker '{}': {} trial calls unreported after {} count as failed")
        .addArgument(name)
        .addArgument(inFlight(w))
        .addArgument(Durations.format(c.effectiveHalfOpenTrialTimeout()))
        .log();
    if (stateOf(next) == CircuitState.OPEN) {
      enterOpen(generation(next), now, nextReopens(), c);
      onTransition(CircuitState.HALF_OPEN, CircuitState.OPEN, TransitionReason.TRIAL_TIMED_OUT);
    }
    return true;
  }

  /** The re-open count of an open that comes straight from HALF_OPEN. */
  private int nextReopens() {
    return OpenInfo.nextReopens(openInfo);
  }

  /**
   * Claims {@code guard} and records its outcome, with the one lock of its stripe, unless an
   * outcome was reported before.
   */
  void complete(CallGuard guard, boolean failed) {
    finish(guard, failed, true);
  }

  /** Claims {@code guard} without recording; {@code false} if an outcome was reported before. */
  boolean claim(CallGuard guard) {
    return cells.claim(guard.stripe, guard);
  }

  private void finish(CallGuard guard, boolean failed, boolean claim) {
    long end = clock.nanoTime();
    long latency = end - guard.startNanos;
    CircuitConfig c = guard.config; // the call's own: a reconfiguration mid-call does not mix in
    boolean slow = latency >= c.slowCallNanos();
    RollingWindow win = null;
    if (guard.kind == CallGuard.KIND_CLOSED) {
      long w = state;
      win = guard.window;
      if (stateOf(w) != CircuitState.CLOSED || generation(w) != win.generation() || win != window) {
        // Its closed period is over, or a new window shape replaced its window: the outcome
        // changes neither the window it tripped nor the fresh one, only the lifetime totals.
        win = null;
      }
    }
    if (claim) {
      if (!cells.recordOnce(guard.stripe, guard, win, end, latency, failed, slow)) {
        return; // an outcome was reported before
      }
    } else {
      cells.record(win, end, latency, failed, slow);
    }
    if (recorder != null) {
      recorder.callEnded(
          name,
          EngineType.CIRCUIT_BREAKER,
          failed ? CallOutcome.FAILURE : CallOutcome.SUCCESS,
          latency,
          1);
    }
    if (win != null) {
      if (failed) {
        long run = win.incrementConsecutiveFailures();
        evaluate(win, end, c, run);
      } else {
        win.clearConsecutiveFailures();
        if (slow) {
          evaluate(win, end, c, 0);
        }
      }
    } else if (guard.kind == CallGuard.KIND_HALF_OPEN) {
      completeTrial(guard.generation, failed || slow, end);
    }
  }

  /** Classifies {@code failure} for a guard already claimed, and records or releases it. */
  void completeExceptionally(CallGuard guard, Throwable failure) {
    CircuitConfig c = guard.config;
    if (c.isIgnored(failure)) {
      ignoredCalls.increment();
      if (recorder != null) {
        recorder.callEnded(
            name,
            EngineType.CIRCUIT_BREAKER,
            CallOutcome.FAILURE,
            clock.nanoTime() - guard.startNanos,
            1);
      }
      release(guard);
    } else {
      finish(guard, c.isRecorded(failure), false);
    }
  }

  /** The caller gave up on the call: no outcome is counted and a trial permit is returned. */
  void abandon(CallGuard guard) {
    if (recorder != null) {
      recorder.callEnded(
          name,
          EngineType.CIRCUIT_BREAKER,
          CallOutcome.CANCELLED,
          clock.nanoTime() - guard.startNanos,
          1);
    }
    release(guard);
  }

  void release(CallGuard guard) {
    if (guard.kind != CallGuard.KIND_HALF_OPEN) {
      return;
    }
    for (; ; ) {
      long w = state;
      if (stateOf(w) != CircuitState.HALF_OPEN || generation(w) != guard.generation) {
        return; // the trial this permit belonged to is over
      }
      if (inFlight(w) == 0 || STATE.compareAndSet(this, w, w - ONE_IN_FLIGHT)) {
        return;
      }
    }
  }

  private void completeTrial(long generation, boolean failed, long now) {
    CircuitConfig c = config;
    for (; ; ) {
      long w = state;
      if (stateOf(w) != CircuitState.HALF_OPEN || generation(w) != generation) {
        return;
      }
      long nextGen = nextGeneration(generation);
      long inFlight = Math.max(0, inFlight(w) - 1);
      long successes = successes(w) + (failed ? 0 : 1);
      long failures = failures(w) + (failed ? 1 : 0);
      long next;
      CircuitState to;
      TransitionReason reason;
      if (failures > c.halfOpenAllowedFailures()) {
        next = word(CircuitState.OPEN, nextGen, 0, 0, 0);
        to = CircuitState.OPEN;
        reason = TransitionReason.TRIAL_FAILED;
      } else if (successes >= c.halfOpenRequiredSuccesses()) {
        next = word(CircuitState.CLOSED, nextGen, 0, 0, 0);
        to = CircuitState.CLOSED;
        reason = TransitionReason.TRIAL_SUCCEEDED;
        installWindow(nextGen, now);
      } else {
        next = word(CircuitState.HALF_OPEN, generation, inFlight, successes, failures);
        to = null;
        reason = null;
      }
      if (STATE.compareAndSet(this, w, next)) {
        if (to == CircuitState.OPEN) {
          enterOpen(nextGen, now, nextReopens(), c);
        }
        if (to != null) {
          onTransition(CircuitState.HALF_OPEN, to, reason);
        }
        return;
      }
    }
  }

  private void evaluate(RollingWindow win, long now, CircuitConfig c, long run) {
    if (win != window) {
      // A reconfiguration replaced the window since this outcome was counted; the new window
      // may already hold some stripes, so the old one's snapshot would be partial.
      return;
    }
    if (!fits(win, c)) {
      // The call was admitted under a configuration of another window shape than the window it
      // counted in (a reconfiguration ran between the two reads); make sure the live window has
      // the shape in force now (this outcome is not evaluated).
      refitWindow();
      return;
    }
    TransitionReason reason = null;
    if (c.consecutiveFailuresThreshold() > 0 && run >= c.consecutiveFailuresThreshold()) {
      reason = TransitionReason.CONSECUTIVE_FAILURES;
    } else {
      WindowSnapshot s = win.snapshot(now, decay(c));
      if (s.calls() >= c.minCalls()) {
        reason = tripReason(s, c);
      }
    }
    if (reason == null) {
      return;
    }
    for (; ; ) {
      long w = state;
      if (stateOf(w) != CircuitState.CLOSED || generation(w) != win.generation() || win != window) {
        return; // someone else already moved on, or the window was replaced
      }
      long gen = nextGeneration(generation(w));
      if (STATE.compareAndSet(this, w, word(CircuitState.OPEN, gen, 0, 0, 0))) {
        enterOpen(gen, now, 0, c);
        onTransition(CircuitState.CLOSED, CircuitState.OPEN, reason);
        return;
      }
    }
  }

  private TransitionReason tripReason(WindowSnapshot s, CircuitConfig c) {
    if (s.failureRate() >= c.failureRateThreshold()) {
      return TransitionReason.FAILURE_RATE;
    }
    if (s.slowCallRate() >= c.slowCallRateThreshold()) {
      return TransitionReason.SLOW_CALL_RATE;
    }
    AdaptiveThreshold adaptive = c.adaptiveThreshold();
    if (adaptive.enabled()) {
      double threshold = baseline.threshold(adaptive, c.failureRateThreshold(), c.buckets());
      if (s.failureRate() >= threshold) { // false while NaN (not yet learned)
        return TransitionReason.ADAPTIVE_THRESHOLD;
      }
    }
    if (c.criticalHealthScore() > 0 && score(s) <= c.criticalHealthScore()) {
      return TransitionReason.HEALTH_CRITICAL;
    }
    return null;
  }

  private void learnBucket(long calls, long failures) {
    if (calls > 0 && config.adaptiveThreshold().enabled()) {
      baseline.add((double) failures / calls, config.ewmaAlpha());
    }
  }

  private void enterOpen(long generation, long now, int reopens, CircuitConfig c) {
    long cooldown = OpenInfo.cooldownNanos(c, reopens);
    OpenInfo next = new OpenInfo(generation, now + cooldown, reopens);
    for (; ; ) {
      OpenInfo current = openInfo;
      if (generation(state) != generation) {
        return; // this open is already over (an operator moved on): its record is not needed
      }
      if (OPEN_INFO.compareAndSet(this, current, next)) {
        break;
      }
    }
    lastOpenedAtMillis = clock.currentTimeMillis();
  }

  /**
   * Moves the breaker from OPEN to HALF_OPEN, with every trial permit free, if its cooldown has
   * ended by {@code now}; otherwise does nothing. The global fuse calls it for the components
   * nobody calls while the fuse refuses (see {@link GlobalFuse}); an acquire does the same move
   * lazily and takes the first permit.
   */
  void halfOpenIfDue(long now) {
    for (; ; ) {
      long w = state;
      if (stateOf(w) != CircuitState.OPEN) {
        return;
      }
      OpenInfo open = openInfo;
      if (open == null || open.generation != generation(w) || open.untilNanos - now > 0) {
        return; // not published yet (so just opened), or still cooling down
      }
      long gen = nextGeneration(generation(w));
      if (STATE.compareAndSet(this, w, word(CircuitState.HALF_OPEN, gen, 0, 0, 0))) {
        onTransition(CircuitState.OPEN, CircuitState.HALF_OPEN, TransitionReason.COOLDOWN_ELAPSED);
        return;
      }
    }
  }

  /**
   * Returns the clock time at which the current OPEN period's cooldown ends; for a breaker that has
   * just opened and not yet published its cooldown, or that is no longer OPEN, {@code now} plus the
   * base cooldown (the transition that follows makes the fuse ask again).
   */
  long cooldownEndNanos(long now) {
    long w = state;
    OpenInfo open = openInfo;
    if (stateOf(w) == CircuitState.OPEN && open != null && open.generation == generation(w)) {
      return open.untilNanos;
    }
    return now + config.openCooldown().toNanos();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers that record outcomes themselves

  /**
   * Runs {@code callable} under the breaker and records its outcome and latency.
   *
   * @param callable the call
   * @param <T> the result type
   * @return what the call returned
   * @throws CircuitRejectedException if the breaker refuses the call
   * @throws Exception whatever the call threw, unchanged
   */
  public <T> T call(Callable<T> callable) throws Exception {
    Validate.notNull("callable", callable);
    CallGuard guard = acquire();
    try {
      T result = callable.call();
      guard.success();
      return result;
    } catch (Throwable t) {
      guard.failure(t);
      throw t;
    }
  }

  /**
   * Runs {@code supplier} under the breaker and records its outcome and latency. For code that
   * throws no checked exception.
   *
   * @param supplier the call
   * @param <T> the result type
   * @return what the call returned
   * @throws CircuitRejectedException if the breaker refuses the call
   */
  public <T> T get(Supplier<T> supplier) {
    Validate.notNull("supplier", supplier);
    CallGuard guard = acquire();
    try {
      T result = supplier.get();
      guard.success();
      return result;
    } catch (Throwable t) {
      guard.failure(t);
      throw t;
    }
  }

  /**
   * Starts an asynchronous call under the breaker and records its outcome and latency when it
   * completes. Never blocks. A refusal completes the returned future with {@link
   * CircuitRejectedException}; it is not thrown. Cancelling the returned future cancels the stage
   * (where it supports it) and releases the permit without counting an outcome.
   *
   * @param supplier starts the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> supplier) {
    Validate.notNull("supplier", supplier);
    return GuardedStage.start(this, supplier);
  }

  // ---------------------------------------------------------------------------------------------
  // Operator actions

  /** Opens the breaker until {@link #close()} or {@link #reset()}; every call is refused. */
  public void forceOpen() {
    moveTo(CircuitState.FORCED_OPEN, TransitionReason.FORCED_OPEN, false);
  }

  /** Lets every call through and stops counting toward a trip until {@link #close()}. */
  public void disable() {
    moveTo(CircuitState.DISABLED, TransitionReason.DISABLED, false);
  }

  /**
   * Closes the breaker with a fresh window, from any state. Does nothing if it is already closed.
   */
  public void close() {
    moveTo(CircuitState.CLOSED, TransitionReason.CLOSED_BY_OPERATOR, false);
  }

  /**
   * Closes the breaker with a fresh window and forgets the learned baseline and the re-open
   * history, from any state. Lifetime totals are kept: they are monotonic counters.
   */
  public void reset() {
    baseline.clear();
    long resetGeneration = moveTo(CircuitState.CLOSED, TransitionReason.RESET, true);
    // Forget only an OpenInfo from before the reset: by now another thread (or a listener of the
    // RESET event) may have opened the breaker again, and that open needs its OpenInfo.
    OpenInfo open = openInfo;
    if (open != null && isLater(resetGeneration, open.generation)) {
      OPEN_INFO.compareAndSet(this, open, null);
    }
  }

  /** Returns the generation of the new state, or -1 if the breaker was already in it. */
  private long moveTo(CircuitState target, TransitionReason reason, boolean always) {
    long now = clock.nanoTime();
    for (; ; ) {
      long w = state;
      CircuitState from = stateOf(w);
      if (from == target && !always) {
        return -1;
      }
      long gen = nextGeneration(generation(w));
      if (target == CircuitState.CLOSED) {
        installWindow(gen, now);
      }
      if (STATE.compareAndSet(this, w, word(target, gen, 0, 0, 0))) {
        onTransition(from, target, reason);
        return gen;
      }
    }
  }

  private static boolean fits(RollingWindow w, CircuitConfig c) {
    return w.size() == c.buckets() && w.bucketNanos() == c.bucketNanos();
  }

  /**
   * Replaces the current window with a fresh one of the shape in force, same generation, unless it
   * already has that shape. Reads the window before the configuration: see the class comment.
   */
  private void refitWindow() {
    for (; ; ) {
      RollingWindow current = window;
      CircuitConfig c = config;
      if (fits(current, c)
          || WINDOW.compareAndSet(
              this, current, newWindow(current.generation(), clock.nanoTime(), c))) {
        return;
      }
    }
  }

  /**
   * Installs a fresh window for {@code generation} unless the current one is of that generation,
   * then refits it if a reconfiguration changed the shape meanwhile.
   */
  private void installWindow(long generation, long now) {
    RollingWindow current = window;
    CircuitConfig c = config;
    if (current.generation() != generation) {
      WINDOW.compareAndSet(this, current, newWindow(generation, now, c));
    }
    refitWindow();
  }

  private RollingWindow newWindow(long generation, long now, CircuitConfig c) {
    return new RollingWindow(now, c.bucketNanos(), c.buckets(), generation, baselineFeed, cells);
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /**
   * Replaces the configuration. Takes effect for the next decision; a change of the window's
   * duration or bucket count starts a fresh window (state and totals are kept). An open breaker
   * stays open: what is left of its cooldown is kept, or cut to the cooldown the new configuration
   * gives it from now if that is shorter (a longer one never lengthens it).
   *
   * @param next the new configuration
   * @throws IllegalArgumentException if {@code next} is {@code null}; the old one stays in force
   */
  public void reconfigure(CircuitConfig next) {
    Validate.notNull("config", next);
    CircuitConfig previous;
    synchronized (reconfigureLock) { // serialises reconfigurations; the call path never locks
      previous = swapConfig(next);
    }
    announceConfig(previous, next);
  }

  /**
   * Changes some settings, keeping the others. The builder validates each change; if one is
   * refused, nothing changes. Edits are serialised with every other reconfiguration, so two
   * concurrent edits of different settings both take effect; {@code changes} therefore runs under
   * the breaker's reconfiguration lock and must not wait for another thread that reconfigures it.
   *
   * @param changes edits a builder that starts from the current configuration
   * @throws IllegalArgumentException if a change is invalid; the old configuration stays in force
   */
  public void reconfigure(UnaryOperator<CircuitConfig.Builder> changes) {
    Validate.notNull("changes", changes);
    CircuitConfig previous;
    CircuitConfig next;
    synchronized (reconfigureLock) { // the edit starts from the config it replaces: no lost update
      CircuitConfig.Builder edited = changes.apply(config.toBuilder());
      next = Validate.notNull("the builder returned by changes", edited).build();
      previous = swapConfig(next);
    }
    announceConfig(previous, next);
  }

  /** Installs {@code next}; the caller holds {@code reconfigureLock}. Returns the replaced one. */
  private CircuitConfig swapConfig(CircuitConfig next) {
    CircuitConfig previous = config;
    config = next;
    if (!previous.sameWindowAs(next)) {
      refitWindow();
    }
    shortenCooldown(next);
    return previous;
  }

  private void announceConfig(CircuitConfig previous, CircuitConfig next) {
    if (!previous.equals(next)) {
      log.atInfo()
          .addKeyValue("name", name)
          .setMessage("Circuit breaker '{}' reconfigured")
          .addArgument(name)
          .log();
      if (hasListeners()) {
        publish(new CircuitEvent.ConfigChanged(name, clock.instant(), previous, next));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State and reporting

  /**
   * Returns the breaker's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the configuration in force.
   *
   * @return the configuration
   */
  public CircuitConfig config() {
    return config;
  }

  /**
   * Returns the current state. An open breaker whose cooldown has passed still reports OPEN until
   * the next acquire moves it to half-open (or, in a registry whose global fuse is open, until a
   * call the fuse refuses does).
   *
   * @return the state
   */
  public CircuitState state() {
    return stateOf(state);
  }

  /**
   * Returns how long an open breaker stays open, or zero if it is not open or its cooldown has
   * passed.
   *
   * @return the remaining cooldown
   */
  public Duration remainingCooldown() {
    long w = state;
    OpenInfo open = openInfo;
    if (stateOf(w) != CircuitState.OPEN || open == null || open.generation != generation(w)) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, open.untilNanos - clock.nanoTime()));
  }

  /**
   * Returns when the breaker last opened, if ever.
   *
   * @return the wall time of the last transition into OPEN, or {@code null} if it never opened
   */
  public Instant lastOpenedAt() {
    long at = lastOpenedAtMillis;
    return at == 0 ? null : Instant.ofEpochMilli(at);
  }

  /**
   * Returns the health score of the current window, in [0, 1]: 1 while the window holds fewer than
   * {@code minCalls} calls. See {@link HealthScore}.
   *
   * @return the score
   */
  public double healthScore() {
    return score(window.snapshot(clock.nanoTime(), decay(config)));
  }

  /**
   * Returns the health this breaker reports: UP when closed with a healthy score, DEGRADED when
   * half-open or the score is below {@code minHealthScore}, {@code openHealthStatus} (DEGRADED by
   * default) when open or forced open, UP when disabled.
   *
   * @return the health
   */
  public HealthStatus healthStatus() {
    return metrics().healthStatus();
  }

  /**
   * Returns a snapshot of the state, the window and the lifetime totals.
   *
   * @return the metrics
   */
  public CircuitMetrics metrics() {
    CircuitConfig c = config;
    long w = state;
    CircuitState s = stateOf(w);
    RollingWindow win = window;
    WindowSnapshot snap = win.snapshot(clock.nanoTime(), decay(c));
    double score = score(snap);
    HealthStatus health;
    switch (s) {
      case CLOSED:
        health = score < c.minHealthScore() ? HealthStatus.DEGRADED : HealthStatus.UP;
        break;
      case HALF_OPEN:
        health = HealthStatus.DEGRADED;
        break;
      case OPEN:
      case FORCED_OPEN:
        health = c.openHealthStatus();
        break;
      default:
        health = HealthStatus.UP;
    }
    long[] totals = cells.totals();
    return new CircuitMetrics(
        s,
        snap.calls(),
        snap.failures(),
        snap.slowCalls(),
        snap.failureRate(),
        snap.slowCallRate(),
        win.consecutiveFailures(),
        snap.meanLatencyNanos(),
        snap.latencyStdDevNanos(),
        score,
        health,
        totals[0],
        totals[1],
        totals[2],
        ignoredCalls.sum(),
        rejectedCalls.sum());
  }

  /**
   * Returns the configuration and live state as an ordered map of plain values, for reports and the
   * Actuator endpoint.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    long w = state;
    CircuitMetrics m = metrics();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", name);
    d.put("state", m.state().name());
    d.put("healthStatus", m.healthStatus().name());
    d.put("healthScore", m.healthScore());
    d.put("failureRate", m.failureRate());
    d.put("slowCallRate", m.slowCallRate());
    d.put("windowCalls", m.windowCalls());
    d.put("windowFailures", m.windowFailures());
    d.put("windowSlowCalls", m.windowSlowCalls());
    d.put("consecutiveFailures", m.consecutiveFailures());
    d.put("meanLatencyMillis", m.meanLatencyNanos() / 1e6);
    d.put("latencyStdDevMillis", m.latencyStdDevNanos() / 1e6);
    if (m.state() == CircuitState.OPEN) {
      d.put("remainingCooldownMillis", remainingCooldown().toMillis());
    }
    if (m.state() == CircuitState.HALF_OPEN) {
      Map<String, Object> trial = new LinkedHashMap<>();
      trial.put("inFlight", inFlight(w));
      trial.put("successes", successes(w));
      trial.put("failures", failures(w));
      d.put("halfOpen", trial);
    }
    OpenInfo open = openInfo;
    d.put("reopens", open == null ? 0 : open.reopens);
    Instant opened = lastOpenedAt();
    d.put("lastOpenedAt", opened == null ? null : opened.toString());
    if (config.adaptiveThreshold().enabled()) {
      Map<String, Object> learned = new LinkedHashMap<>();
      learned.put("buckets", baseline.samples());
      learned.put("meanFailureRate", baseline.mean());
      learned.put("stdDevFailureRate", baseline.stdDev());
      d.put("adaptiveBaseline", learned);
    }
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("successful", m.successfulCalls());
    totals.put("failed", m.failedCalls());
    totals.put("slow", m.slowCalls());
    totals.put("ignored", m.ignoredCalls());
    totals.put("rejected", m.rejectedCalls());
    d.put("totals", totals);
    d.put("config", config.toMap());
    return d;
  }

  /**
   * Adds a listener for this breaker's events.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super CircuitEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Returns how many times a listener of this breaker has thrown.
   *
   * @return the number of listener failures
   */
  public long listenerFailures() {
    return listeners.failures();
  }

  private boolean hasListeners() {
    return !listeners.isEmpty() || (parent != null && !parent.isEmpty());
  }

  private void publish(CircuitEvent event) {
    listeners.publish(event);
    if (parent != null) {
      parent.publish(event);
    }
  }

  private double score(WindowSnapshot s) {
    if (s.calls() < config.minCalls()) {
      return 1.0;
    }
    return HealthScore.of(1 - s.failureRate(), s.meanLatencyNanos(), s.latencyStdDevNanos());
  }

  private static double decay(CircuitConfig c) {
    return c.sampleWeighting() == SampleWeighting.EXPONENTIAL ? 1 - c.ewmaAlpha() : 1.0;
  }

  private void onTransition(CircuitState from, CircuitState to, TransitionReason reason) {
    CircuitMetrics m = metrics();
    Level level =
        to == CircuitState.OPEN || to == CircuitState.FORCED_OPEN ? Level.WARN : Level.INFO;
    String transition = from + " -> " + to;
    log.atLevel(level)
        .addKeyValue("name", name)
        .addKeyValue("transition", transition)
        .addKeyValue("reason", reason)
        .addKeyValue("failure_rate", m.failureRate())
        .addKeyValue("health_score", m.healthScore())
        .addKeyValue("latency_ms", m.meanLatencyNanos() / 1e6)
        .setMessage("Circuit breaker '{}' {} ({})")
        .addArgument(name)
        .addArgument(transition)
        .addArgument(reason)
        .log();
    if (fuse != null && from.isOpen() != to.isOpen()) {
      fuse.onComponentTransition();
    }
    if (hasListeners()) {
      publish(new CircuitEvent.StateTransition(name, clock.instant(), from, to, reason, m));
    }
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + state() + "]";
  }

  /**
   * Builds a {@link CircuitBreaker}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private CircuitConfig config = CircuitConfig.defaults();
    private Clock clock = Clock.system();
    private GlobalFuse fuse;
    private EventListeners<CircuitEvent> parent;
    private CallRecorder recorder;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the configuration; default {@link CircuitConfig#defaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(CircuitConfig config) {
      this.config = Validate.notNull("config", config);
      return this;
    }

    /**
     * Sets the clock; default {@link Clock#system()}. Tests pass a fake clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Reports every call that ends or is refused to a recorder, such as the {@link
     * io.tailguard.core.telemetry.Telemetry} hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    Builder registry(GlobalFuse fuse, EventListeners<CircuitEvent> parent) {
      this.fuse = fuse;
      this.parent = parent;
      return this;
    }

    /**
     * Creates the breaker, closed.
     *
     * @return the breaker
     */
    public CircuitBreaker build() {
      return new CircuitBreaker(name, config, clock, fuse, parent, recorder);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reconfiguring an open period

  /**
   * Cuts the open period in progress to the cooldown {@code next} gives it from now, if that ends
   * sooner: an operator who shortens the cooldown means it for the breaker that is open now too.
   * The caller holds {@code reconfigureLock}. Replaces the OpenInfo of the current generation only,
   * by CAS; a reset() racing with this may then fail to clear that record, which is harmless: every
   * later open publishes its own before anything reads it.
   */
  private void shortenCooldown(CircuitConfig next) {
    long now = clock.nanoTime();
    for (; ; ) {
      long w = state;
      OpenInfo open = openInfo;
      if (stateOf(w) != CircuitState.OPEN || open == null || open.generation != generation(w)) {
        return;
      }
      long cooldown = OpenInfo.cooldownNanos(next, open.reopens);
      long until = now + cooldown;
      if (until - open.untilNanos >= 0
          || OPEN_INFO.compareAndSet(
              this, open, new OpenInfo(open.generation, until, open.reopens))) {
        return;
      }
    }
  }
}
