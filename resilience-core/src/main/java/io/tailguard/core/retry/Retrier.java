package io.tailguard.core.retry;

import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.Failures;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.TaskExecutors;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import io.tailguard.core.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a call that failed, after a growing, randomised delay, within a retry budget.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>A call makes up to {@link RetryPolicy#maxAttempts()} attempts. After an attempt that failed
 *       with a {@linkplain RetryPolicy#isRetryable(Throwable, OptionalInt, Optional) retryable
 *       failure} or returned an {@linkplain RetryPolicy#unacceptableResult() unacceptable result},
 *       it waits the {@linkplain Backoff backoff delay} and tries again. When the failure carries a
 *       {@code Retry-After} (an {@link HttpStatusCarrier}, or read by an {@link
 *       HttpStatusExtractor}), it waits that long instead, capped by {@link
 *       RetryPolicy#maxDelay()}.
 *   <li>A call reads the policy once, when it starts: a {@link #reconfigure(RetryPolicy)} never
 *       mixes two policies within one call.
 *   <li>When the attempts run out, the call fails with the last failure, the earlier ones added to
 *       it as {@linkplain Throwable#addSuppressed(Throwable) suppressed} (at most {@value
 *       #MAX_SUPPRESSED}); if the last attempt returned an unacceptable result, that result is
 *       returned. A failure that is not retryable ends the call at once, the same way.
 *   <li>Budget: retries may be at most {@link RetryPolicy#budget()} of the calls of the last 10
 *       seconds, plus {@link RetryPolicy#minRetriesPerSecond()} per second. Over budget, the call
 *       ends at once with its last failure, and is counted.
 *   <li>Interruption: a blocking caller interrupted while it waits between attempts, or whose
 *       attempt fails with an {@link InterruptedException} (or leaves the interrupt status set),
 *       stops retrying at once, as does an attempt that fails with a {@link CancellationException};
 *       the call fails with the last failure (the {@link InterruptedException} suppressed) and the
 *       thread's interrupt status is set. Cancelling the future of {@link #callAsync(Supplier)}
 *       stops its retries and cancels its running attempt.
 *   <li>Waits: a blocking call sleeps on its own thread through the {@link Sleeper} (by default the
 *       clock, if it is one, else the system's); an asynchronous call never blocks a thread: the
 *       {@link Scheduler} waits out the delay and only hands the next attempt to the {@linkplain
 *       Builder#executor(Executor) executor}, on which the supplier runs. So a supplier that blocks
 *       holds up one executor thread, never the scheduler's timers (which the hedgers, probes and
 *       other retriers of a runtime share). An executor that refuses the attempt ends the call as a
 *       refusing scheduler does.
 *   <li>Each call yields one {@link io.tailguard.core.telemetry.CallEvent} (engine {@link
 *       EngineType#RETRY}, with its number of attempts) when a recorder is set; each ending is
 *       counted by {@link RetryResult}. Listeners that throw never reach the call.
 * </ul>
 *
 * <pre>{@code
 * Retrier retrier = Retrier.builder("quotes")
 *     .policy(RetryPolicy.builder().maxAttempts(4).jitter(Jitter.EQUAL).build())
 *     .build();
 * Quote q = retrier.call(() -> client.quote(symbol));
 * CompletableFuture<Quote> f = retrier.callAsync(() -> client.quoteAsync(symbol));
 * }</pre>
 *
 * <p>This class is thread-safe. Close it to stop the scheduler it owns, if any.
 */
public final class Retrier implements AutoCloseable {

  /*
   * Concurrency. `policy` is volatile and swapped whole by reconfigure() (under `this`, so events
   * describe consecutive policies); every call reads it once when it starts. The counters are
   * LongAdders and the budget is lock-free (see RetryBudget). A call's own state (RetryCallState) is
   * confined to the thread running the call; for an asynchronous call, its steps run one after
   * another, each handed to the next through the completion of the attempt's stage or through the
   * scheduler and then the executor, all of which order memory (the scheduler's task only calls
   * executor.execute, which happens-before the attempt). Its `finished` flag is claimed by CAS, so a
   * cancellation racing with the last step counts the call exactly once. `inFlight` holds the
   * asynchronous calls that have not ended, so close() can cancel them. `retiring` is set once,
   * by closeWhenIdle(); from then on the call that leaves `inFlight` empty closes the retrier. Each
   * side writes (the flag, or the removal from the set) before it reads the other's, so at least
   * one of them sees the retrier both retiring and idle.
   */

  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  /** The most earlier failures attached to the final one as suppressed. */
  public static final int MAX_SUPPRESSED = 100;

  private static final long STOP = -1;

  private final String name;
  private final Clock clock;
  private final Scheduler scheduler;
  private final DefaultScheduler ownedScheduler;
  // Runs asynchronous attempts after the first; the scheduler's task only hands them over.
  private final Executor executor;
  // The executor when the retrier made it (stopped by close()), else null.
  private final ExecutorService ownedExecutor;
  private final Duration closeGrace;
  private final Sleeper sleeper;
  // Null means ThreadLocalRandom.current() of the calling thread.
  private final RandomGenerator random;
  // Reads status, method and Retry-After off failures through the extractors.
  private final FailureClassifier classifier;
  private final EventListeners<RetryEvent> listeners = new EventListeners<>();
  private final EventListeners<RetryEvent> parent;
  // Told about every call that ends; null when nobody records calls.
  private final CallRecorder recorder;
  private final RetryBudget budget;
  private final Set<AsyncCall<?>> inFlight = ConcurrentHashMap.newKeySet();

  private final LongAdder calls = new LongAdder();
  private final LongAdder successFirst = new LongAdder();
  private final LongAdder successRetry = new LongAdder();
  private final LongAdder exhausted = new LongAdder();
  private final LongAdder notRetryable = new LongAdder();
  private final LongAdder budgetExhausted = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder interrupted = new LongAdder();

  private volatile RetryPolicy policy;
  private volatile boolean closed;
  // Set once, by closeWhenIdle(); read by every asynchronous call that ends.
  private volatile boolean retiring;
  // Completed by close(); what closeWhenIdle() waits for.
  private final CompletableFuture<Void> closedStage = new CompletableFuture<>();

  private Retrier(Builder b) {
    this.name = b.name;
    this.clock = b.clock;
    this.policy = b.policy;
    this.parent = b.parent;
    this.recorder = b.recorder;
    this.random = b.random;
    this.sleeper =
        b.sleeper != null ? b.sleeper : b.clock instanceof Sleeper s ? s : Sleeper.system();
    this.classifier = new FailureClassifier(b.name, b.extractors);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedScheduler = null;
    } else {
      // Its thread starts on the first asynchronous retry, not before.
      this.ownedScheduler = new DefaultScheduler("retry", b.closeGrace);
      this.scheduler = ownedScheduler;
    }
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      // Starts no thread until the first asynchronous retry.
      this.ownedExecutor = TaskExecutors.newDefault("retry-attempt");
      this.executor = ownedExecutor;
    }
    this.closeGrace = b.closeGrace;
    this.budget = new RetryBudget(clock);
  }

  /**
   * Returns a builder.
   *
   * @param name the retrier's name: 1 to 128 letters, digits, {@code . _ - : /}
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(InstanceNames.check("retrier", name));
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /**
   * Runs {@code callable}, retrying it as the policy says. Blocks between attempts.
   *
   * @param callable one attempt; called once per attempt, on the calling thread
   * @param <T> the result type
   * @return the first acceptable result, or the last unacceptable one if attempts or budget ran out
   * @throws Exception the last failure, earlier ones suppressed, if no attempt answered
   * @throws IllegalStateException if the retrier is closed
   */
  public <T> T call(Callable<T> callable) throws Exception {
    Validate.notNull("callable", callable);
    checkOpen();
    RetryCallState s = start();
    for (; ; ) {
      beginAttempt(s);
      T value = null;
      Throwable failure = null;
      try {
        value = callable.call();
      } catch (Throwable t) {
        failure = t;
      }
      long delay = afterAttempt(s, value, failure, true, Thread.currentThread().isInterrupted());
      if (delay == STOP) {
        return s.<T>outcome();
      }
      try {
        sleeper.sleep(Duration.ofNanos(delay));
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("interrupt status set after the wait");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (s.lastWasFailure) {
          s.extraSuppressed = e;
        }
        stop(s, RetryResult.NOT_RETRYABLE, e, true);
        return s.<T>outcome();
      }
    }
  }

  /**
   * Runs an asynchronous operation, retrying it as the policy says. Never blocks: the first attempt
   * starts on the calling thread; each retry waits its delay on the scheduler, which hands it to
   * the executor, where the supplier runs. Cancelling the returned future stops the retries and
   * cancels the running attempt's future.
   *
   * @param supplier starts one attempt and returns its stage; called on the calling thread for the
   *     first attempt, on the executor for the others
   * @param <T> the result type
   * @return a future of the first acceptable result; it fails with the last failure, earlier ones
   *     suppressed, if no attempt answered
   */
  public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> supplier) {
    Validate.notNull("supplier", supplier);
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    AsyncCall<T> call = new AsyncCall<>(start(), supplier);
    inFlight.add(call);
    call.result.whenComplete(
        (v, e) -> {
          inFlight.remove(call);
          if (call.result.isCancelled()) {
            call.cancelled();
          }
          if (retiring && inFlight.isEmpty()) {
            close();
          }
        });
    if (closed) { // close() raced with us: make sure close() or we cancel it
      call.result.cancel(false);
    }
    call.attempt();
    return call.result;
  }

  private RetryCallState start() {
    budget.onCall();
    return new RetryCallState(policy, clock.nanoTime());
  }

  private void beginAttempt(RetryCallState s) {
    s.attempts++;
    if (s.attempts > 1) {
      retries.increment();
    }
  }

  /**
   * Judges an attempt that ended: returns the delay before the next one, or STOP after ending the
   * call (its outcome is then in {@code s}).
   *
   * @param blocking whether the attempt ran on the caller's thread (whose interrupt status then
   *     matters); an asynchronous attempt's thread is none of the call's business
   * @param interrupt whether the caller's thread is interrupted
   */
  private long afterAttempt(
      RetryCallState s, Object value, Throwable failure, boolean blocking, boolean interrupt) {
    RetryPolicy p = s.policy;
    if (failure == null) {
      boolean unacceptable;
      try {
        unacceptable = p.isUnacceptable(value);
      } catch (RuntimeException | Error e) {
        s.failed(e);
        stop(s, RetryResult.NOT_RETRYABLE, e, false);
        return STOP;
      }
      if (!unacceptable) {
        s.succeeded(value);
        RetryResult r = s.attempts == 1 ? RetryResult.SUCCESS_FIRST : RetryResult.SUCCESS_RETRY;
        stop(s, r, null, false);
        return STOP;
      }
      s.unacceptable(value);
    } else {
      s.failed(failure);
      if (failure instanceof InterruptedException) {
        if (blocking) {
          Thread.currentThread().interrupt(); // whoever threw it cleared the status
        }
        interrupt = true;
      } else if (failure instanceof CancellationException) {
        interrupt = true; // the attempt was cancelled from outside: not worth repeating
      }
    }
    if (interrupt) {
      stop(s, RetryResult.NOT_RETRYABLE, failure, true);
      return STOP;
    }
    if (failure != null && !classifier.isRetryable(p, failure)) {
      stop(s, RetryResult.NOT_RETRYABLE, failure, false);
      return STOP;
    }
    if (s.attempts >= p.maxAttempts()) {
      stop(s, RetryResult.EXHAUSTED, null, false);
      return STOP;
    }
    if (!budget.tryAcquire(p)) {
      stop(s, RetryResult.BUDGET_EXHAUSTED, null, false);
      return STOP;
    }
    long delay = classifier.retryAfterNanos(failure, p.maxDelay().toNanos());
    if (delay < 0) {
      RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
      delay = Backoff.delayNanos(p, s.attempts, s.previousDelayNanos, r);
    }
    s.previousDelayNanos = delay;
    if (hasListeners()) {
      publish(
          new RetryEvent.RetryScheduled(
              name, clock.instant(), s.attempts + 1, Duration.ofNanos(delay), failure));
    }
    return delay;
  }

  /**
   * Ends a call: counts it, reports it, publishes its event. Only the first stop of a call counts.
   *
   * @param reason what stopped a NOT_RETRYABLE call (its event carries it), else null
   * @param cancelled whether an interrupt or a cancellation stopped it
   */
  private void stop(RetryCallState s, RetryResult result, Throwable reason, boolean cancelled) {
    if (!s.finished.compareAndSet(false, true)) {
      return;
    }
    long latency = Math.max(0, clock.nanoTime() - s.startNanos);
    calls.increment();
    switch (result) {
      case SUCCESS_FIRST -> successFirst.increment();
      case SUCCESS_RETRY -> successRetry.increment();
      case EXHAUSTED -> exhausted.increment();
      case NOT_RETRYABLE -> notRetryable.increment();
      case BUDGET_EXHAUSTED -> budgetExhausted.increment();
    }
    if (cancelled) {
      interrupted.increment();
    }
    if (recorder != null) {
      CallOutcome outcome =
          result == RetryResult.SUCCESS_FIRST || result == RetryResult.SUCCESS_RETRY
              ? CallOutcome.SUCCESS
              : cancelled ? CallOutcome.CANCELLED : CallOutcome.FAILURE;
      recorder.callEnded(name, EngineType.RETRY, outcome, latency, s.attempts);
    }
    if (result == RetryResult.BUDGET_EXHAUSTED) {
      log.debug("Retrier '{}': retry budget spent; failing after {} attempts", name, s.attempts);
    }
    if (hasListeners()) {
      Duration d = Duration.ofNanos(latency);
      Throwable last = s.lastWasFailure ? s.failure : null;
      publish(
          switch (result) {
            case SUCCESS_FIRST, SUCCESS_RETRY ->
                new RetryEvent.Succeeded(name, clock.instant(), s.attempts, d);
            case EXHAUSTED -> new RetryEvent.Exhausted(name, clock.instant(), s.attempts, last, d);
            case NOT_RETRYABLE ->
                new RetryEvent.NotRetryable(
                    name, clock.instant(), s.attempts, reason != null ? reason : last, d);
            case BUDGET_EXHAUSTED ->
                new RetryEvent.BudgetExhausted(name, clock.instant(), s.attempts, last, d);
          });
    }
  }

  private void checkOpen() {
    if (closed) {
      throw closedException();
    }
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("retrier '" + name + "' is closed");
  }

  private boolean hasListeners() {
    return !listeners.isEmpty() || (parent != null && !parent.isEmpty());
  }

  private void publish(RetryEvent event) {
    listeners.publish(event);
    if (parent != null) {
      parent.publish(event);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Asynchronous calls

  /** An asynchronous call: its attempts, its pending retry, its future. */
  private final class AsyncCall<T> {
    final RetryCallState s;
    final Supplier<? extends CompletionStage<T>> supplier;
    final CompletableFuture<T> result = new CompletableFuture<>();
    // The next attempt, scheduled; read by a cancelling thread.
    volatile Scheduler.ScheduledTask pending;
    // The running attempt's stage; read by a cancelling thread.
    volatile CompletionStage<T> running;

    AsyncCall(RetryCallState s, Supplier<? extends CompletionStage<T>> supplier) {
      this.s = s;
      this.supplier = supplier;
    }

    void attempt() {
      if (result.isDone()) {
        return;
      }
      beginAttempt(s);
      CompletionStage<T> stage;
      try {
        stage = supplier.get();
      } catch (Throwable t) {
        ended(null, t);
        return;
      }
      if (stage == null) {
        IllegalStateException e =
            new IllegalStateException(
                "the supplier given to callAsync of retrier '"
                    + name
                    + "' returned null instead of a CompletionStage");
        s.failed(e);
        stop(s, RetryResult.NOT_RETRYABLE, e, false);
        complete();
        return;
      }
      running = stage;
      stage.whenComplete((v, e) -> ended(v, e == null ? null : Failures.unwrap(e)));
    }

    void ended(T value, Throwable failure) {
      if (result.isDone()) {
        return;
      }
      long delay;
      try {
        delay = afterAttempt(s, value, failure, false, false);
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
        return;
      }
      if (delay == STOP) {
        complete();
        return;
      }
      try {
        pending = scheduler.schedule(this::handOff, Duration.ofNanos(delay));
      } catch (RejectedExecutionException e) {
        refused("scheduler", e);
        return;
      }
      if (result.isDone()) { // cancelled meanwhile
        pending.cancel();
      }
    }

    /**
     * The scheduler's task: hands the next attempt to the executor, so that the scheduler's thread
     * never runs the supplier (a supplier that blocks would stop every timer of the scheduler).
     */
    void handOff() {
      if (result.isDone()) {
        return;
      }
      try {
        executor.execute(this::attempt);
      } catch (RejectedExecutionException e) {
        refused("executor", e);
      }
    }

    /** The scheduler or the executor refused the next attempt: the call ends with what it has. */
    void refused(String what, RejectedExecutionException e) {
      CancellationException c =
          new CancellationException("the " + what + " of retrier '" + name + "' refused a retry");
      c.initCause(e);
      if (s.lastWasFailure) {
        s.extraSuppressed = c;
      }
      stop(s, RetryResult.NOT_RETRYABLE, c, true);
      complete();
    }

    @SuppressWarnings("unchecked")
    void complete() {
      if (s.lastWasFailure) {
        result.completeExceptionally(s.finalFailure());
      } else {
        result.complete((T) s.value);
      }
    }

    /** The caller cancelled the future: stop retrying, cancel what runs, count it once. */
    void cancelled() {
      Scheduler.ScheduledTask p = pending;
      if (p != null) {
        p.cancel();
      }
      CompletionStage<T> r = running;
      if (r instanceof Future<?> f) {
        f.cancel(true);
      }
      stop(
          s, RetryResult.NOT_RETRYABLE, new CancellationException("cancelled by the caller"), true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration, state, reporting

  /**
   * Replaces the policy. Calls already running keep the one they started with.
   *
   * @param next the new policy
   * @throws IllegalArgumentException if {@code next} is {@code null}; the old one stays
   */
  public void reconfigure(RetryPolicy next) {
    Validate.notNull("policy", next);
    RetryPolicy previous;
    synchronized (this) {
      previous = policy;
      policy = next;
    }
    if (!previous.equals(next)) {
      log.atInfo().addKeyValue("name", name).log("Retrier '{}' reconfigured", name);
      if (hasListeners()) {
        publish(new RetryEvent.ConfigChanged(name, clock.instant(), previous, next));
      }
    }
  }

  /**
   * Changes some settings, keeping the others; if a change is refused, nothing changes.
   *
   * @param changes edits a builder that starts from the current policy
   */
  public void reconfigure(UnaryOperator<RetryPolicy.Builder> changes) {
    Validate.notNull("changes", changes);
    RetryPolicy.Builder edited = changes.apply(policy.toBuilder());
    reconfigure(Validate.notNull("the builder returned by changes", edited).build());
  }

  /**
   * Returns the retrier's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the policy in force.
   *
   * @return the policy
   */
  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Returns a snapshot of the counters.
   *
   * @return the metrics
   */
  public RetryMetrics metrics() {
    return new RetryMetrics(
        calls.sum(),
        successFirst.sum(),
        successRetry.sum(),
        exhausted.sum(),
        notRetryable.sum(),
        budgetExhausted.sum(),
        retries.sum(),
        interrupted.sum());
  }

  /**
   * Returns the policy, the counters and the budget as an ordered map of plain values. {@code
   * results} maps each {@link RetryResult#label()} to its count.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    RetryMetrics m = metrics();
    RetryPolicy p = policy;
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", name);
    d.put("calls", m.calls());
    Map<String, Object> results = new LinkedHashMap<>();
    for (RetryResult r : RetryResult.values()) {
      results.put(r.label(), m.count(r));
    }
    d.put("results", results);
    d.put("retries", m.retries());
    d.put("retriesPerCall", m.retriesPerCall());
    d.put("interrupted", m.interrupted());
    d.put("extractorFaults", classifier.faults());
    long[] window = budget.window();
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("windowSeconds", RetryBudget.WINDOW_SECONDS);
    b.put("callsInWindow", window[0]);
    b.put("retriesInWindow", window[1]);
    double available = budget.available(p);
    b.put("available", Double.isInfinite(available) ? "unlimited" : available);
    d.put("budget", b);
    d.put("inFlightAsync", inFlight.size());
    d.put("config", p.toMap());
    return d;
  }

  /**
   * Returns how many more retries the budget allows now.
   *
   * @return the retries available, or infinity when the budget is off
   */
  public double availableBudget() {
    return budget.available(policy);
  }

  /**
   * Adds a listener for this retrier's events.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super RetryEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes this retrier once its asynchronous calls in flight have ended, without cancelling them:
   * at once if there are none (blocking calls already running finish as usual, as after {@link
   * #close()}). Calls may still start until then. The registry retires a removed retrier so; its
   * retriers own no threads, so the close that the last call's thread runs waits for nothing.
   *
   * @return a stage that completes once the retrier is closed
   */
  CompletionStage<Void> closeWhenIdle() {
    retiring = true;
    if (inFlight.isEmpty()) {
      close();
    }
    return closedStage.minimalCompletionStage();
  }

  /**
   * Refuses further calls, cancels the asynchronous calls waiting for a retry, and stops the
   * scheduler and the executor this retrier owns (gracefully, then by interrupting after the grace
   * period; a scheduler or executor given to the builder is left to its owner). Blocking calls
   * already running finish as usual.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AsyncCall<?> call : inFlight) {
      call.result.cancel(false);
    }
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    if (ownedExecutor != null
        && !Shutdown.stop(ownedExecutor, closeGrace)
        && !Thread.currentThread().isInterrupted()) {
      log.warn("Retrier '{}': attempts still running {} after an interrupt", name, closeGrace);
    }
    closedStage.complete(null);
  }

  /**
   * Returns whether the scheduler and the executor this retrier owns have stopped; {@code true} for
   * those it does not own.
   *
   * @return whether their threads have ended
   */
  public boolean isTerminated() {
    return (ownedScheduler == null || ownedScheduler.isTerminated())
        && (ownedExecutor == null || ownedExecutor.isTerminated());
  }

  @Override
  public String toString() {
    return "Retrier[" + name + "]";
  }

  /**
   * Builds a {@link Retrier}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private RetryPolicy policy = RetryPolicy.defaults();
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private Executor executor;
    private Sleeper sleeper;
    private RandomGenerator random;
    private final List<HttpStatusExtractor> extractors = new ArrayList<>();
    private Duration closeGrace = Shutdown.DEFAULT_GRACE;
    private CallRecorder recorder;
    private EventListeners<RetryEvent> parent;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the policy; default {@link RetryPolicy#defaults()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(RetryPolicy policy) {
      this.policy = Validate.notNull("policy", policy);
      return this;
    }

    /**
     * Sets the clock; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the scheduler that runs asynchronous retries, owned by the caller; default a {@link
     * DefaultScheduler} owned by the retrier.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor on which the attempts of an asynchronous call after the first run, owned by
     * the caller; default one owned by the retrier: virtual threads on JDK 21+, else up to 256
     * daemon threads named {@code tailguard-retry-attempt-N} (a retry arriving when all are busy is
     * refused, which ends its call). The scheduler only hands attempts to it.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Validate.notNull("executor", executor);
      return this;
    }

    /**
     * Sets how a blocking call waits between attempts; default the clock if it is a {@link Sleeper}
     * (as the test fixtures' fake clock is), else {@link Sleeper#system()}.
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Validate.notNull("sleeper", sleeper);
      return this;
    }

    /**
     * Sets the source of jitter, for example a seeded {@link java.util.Random} in tests; it must be
     * thread-safe if calls run on several threads ({@code java.util.Random} is). Default {@link
     * ThreadLocalRandom} of the calling thread.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Validate.notNull("random", random);
      return this;
    }

    /**
     * Adds an extractor that reads HTTP statuses and {@code Retry-After} from failures; asked after
     * {@link HttpStatusExtractor#carrier()} and the extractors added before it.
     *
     * @param extractor the extractor
     * @return this builder
     */
    public Builder statusExtractor(HttpStatusExtractor extractor) {
      extractors.add(Validate.notNull("statusExtractor", extractor));
      return this;
    }

    /**
     * Sets how long {@link Retrier#close()} waits for an owned scheduler and an owned executor in
     * each of its two phases; default 5s.
     *
     * @param grace the grace period, in [0, 1h]
     * @return this builder
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Shutdown.checkGrace(grace);
      return this;
    }

    /**
     * Reports every call that ends to a recorder, such as the {@link
     * io.tailguard.core.telemetry.Telemetry} hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    Builder parent(EventListeners<RetryEvent> parent) {
      this.parent = parent;
      return this;
    }

    /**
     * Creates the retrier.
     *
     * @return the retrier
     */
    public Retrier build() {
      return new Retrier(this);
    }
  }
}
