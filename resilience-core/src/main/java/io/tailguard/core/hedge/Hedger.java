package io.tailguard.core.hedge;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Shutdown;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.telemetry.LatencyRecorder;
import io.tailguard.core.telemetry.LatencySnapshot;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request hedging: sends a call's primary attempt, and if it has not answered after a delay, a
 * hedge (another attempt), up to {@code maxHedges} of them; the first acceptable answer wins and
 * every other attempt is cancelled.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>Hedge {@code k} starts {@code delay(k)} after attempt {@code k - 1} started, where the
 *       delay comes from the {@linkplain HedgeDelayStrategy strategy} (FIXED, PERCENTILE, ADAPTIVE
 *       or BACKOFF), and only if the {@linkplain BudgetConfig budget} has a token: hedges stay
 *       within {@code maxExtraLoad} of primaries plus the burst and the per-second floor. An empty
 *       budget stops new hedges, never running attempts.
 *   <li>The first acceptable result wins. Before the call returns, every other attempt is told to
 *       stop: a blocking attempt's thread is interrupted, an asynchronous attempt's future is
 *       cancelled, and {@link AttemptContext#isCancelled()} turns true.
 *   <li>A failure of a fatal type ends the call at once. A retryable failure or an unacceptable
 *       result starts the next attempt at once (budget permitting). When every attempt has ended
 *       without an answer and no more may start, the call fails with the primary's exception (the
 *       earliest failure), the others attached as suppressed; if some attempt returned an
 *       unacceptable result, the earliest such result is returned instead. Suppressed exceptions
 *       are attached only to an exception that carries none yet, each distinct instance once: an
 *       exception instance thrown by many calls (a static or cached one) keeps what the first call
 *       attached instead of growing on every call.
 *   <li>A refusal is not a failure of the dependency: a {@link
 *       io.tailguard.core.circuitbreaker.CircuitRejectedException} or {@link
 *       io.tailguard.core.ratelimiter.RateLimitExceededException} of an attempt (thrown inside it,
 *       or the hedger's own breaker refusing it) stops hedging for the call, gives a hedge's budget
 *       token back, is not learnt by the delay strategy nor counted by the hedger's breaker, and
 *       once no attempt is running the call fails with that refusal (the other attempts' failures
 *       suppressed). An attempt already running is left to answer.
 *   <li>The {@code timeout} covers all attempts: when it passes, all are cancelled and the call
 *       fails with {@link HedgeTimeoutException}.
 *   <li>A hedger whose operation is not {@code idempotent} never hedges.
 *   <li>With a {@linkplain Builder#breaker(CircuitBreaker) breaker}, every attempt takes a permit
 *       and attempt outcomes feed the breaker. An attempt still running when the timeout passes
 *       counts as a failure (and by its latency a slow call): the dependency did not answer. A
 *       loser cancelled for any other reason (another attempt won, the call failed or was
 *       cancelled) releases its permit without counting. {@link AttemptContext#cancelReason()}
 *       tells an attempt's own breaker which it was.
 *   <li>A result no caller will see (a losing attempt's, one arriving after the call ended, an
 *       unacceptable result not returned) is closed if it is {@link AutoCloseable}, unless it is
 *       the object the call returned; a failure to close is logged at debug. A blocking attempt's
 *       late result is closed when its body returns; an asynchronous attempt's only if its stage
 *       still completes after being cancelled (a cancelled {@link CompletableFuture} drops it).
 *   <li>Attempts run on the executor (virtual threads on JDK 21+, a bounded platform pool on 17, or
 *       the one given). If it refuses a blocking call's primary (it is saturated), the primary runs
 *       on the caller's thread, unhedged but under the timeout: when the timeout passes the
 *       caller's thread is interrupted and the call fails with {@link HedgeTimeoutException} once
 *       the body returns (at once for a body that responds to interrupts). A refused hedge stops
 *       hedging for the call. Refusals are counted. With {@link
 *       Builder#primaryOnCallingThread(boolean)}, a blocking call runs its primary on the calling
 *       thread always, for attempts that respond to interrupts.
 *   <li>A fault of the delay strategy or the statistics never reaches the caller: the warm-up delay
 *       is used and the fault is counted.
 * </ul>
 *
 * <pre>{@code
 * Hedger hedger = Hedger.builder("search")
 *     .config(HedgeConfig.builder().maxHedges(2).build())
 *     .build();
 * Results r = hedger.call(attempt -> index.search(query, attempt.idempotencyKey()));
 * }</pre>
 *
 * <p>This class is thread-safe. Close it to stop the threads it owns.
 */
public final class Hedger implements AutoCloseable {

  /*
   * Concurrency. `config` and `strategy` are swapped whole by reconfigure() (under
   * reconfigureLock); every call reads `config` once at its start and the strategy each time it
   * needs a delay, so a strategy swap takes effect for the next hedge of calls already running.
   * The budget, the counters and the latency Recorder are lock-free. `inFlight` holds the calls
   * that have not ended, so close() can cancel them. `retiring` is set once, by closeWhenIdle();
   * from then on the call that leaves `inFlight` empty closes the hedger. Each side writes (the
   * flag, or the removal from the set) before it reads the other's, so at least one of them sees
   * the hedger both retiring and idle. Coalesced calls share executions through SingleFlight (see
   * its comment). Each call's own state is guarded by the call's monitor (see
   * HedgedCall).
   */

  private static final Logger log = LoggerFactory.getLogger(Hedger.class);

  private final String name;
  private final Clock clock;
  private final Scheduler scheduler;
  private final AutoCloseable ownedScheduler;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final CircuitBreaker breaker;
  private final Duration closeGrace;
  private final boolean primaryOnCallingThread;
  private final EventListeners<HedgeEvent> listeners = new EventListeners<>();
  private final EventListeners<HedgeEvent> parent;
  // Told about every call that ends; null when nobody records calls.
  private final CallRecorder recorder;
  private final HedgeBudget budget;
  private final Object reconfigureLock = new Object();
  private final Set<HedgedCall<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final SingleFlight singleFlight = new SingleFlight();

  private final LongAdder calls = new LongAdder();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder hedges = new LongAdder();
  private final LongAdder primaryWins = new LongAdder();
  private final LongAdder hedgeWins = new LongAdder();
  private final LongAdder failedCalls = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder budgetExhausted = new LongAdder();
  private final LongAdder executorRefusals = new LongAdder();
  private final LongAdder strategyFaults = new LongAdder();
  // Call latency over the last minute.
  private final LatencyRecorder latency;

  private volatile HedgeConfig config;
  private volatile HedgeDelayStrategy strategy;
  private volatile boolean closed;
  // Set once, by closeWhenIdle(); read by every call that ends.
  private volatile boolean retiring;
  // Completed by close(); what closeWhenIdle() waits for.
  private final CompletableFuture<Void> closedStage = new CompletableFuture<>();

  private Hedger(Builder b) {
    this.name = b.name;
    this.clock = b.clock;
    this.config = b.config;
    this.breaker = b.breaker;
    this.parent = b.parent;
    this.recorder = b.recorder;
    this.closeGrace = b.closeGrace;
    this.primaryOnCallingThread = b.primaryOnCallingThread;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedScheduler = null;
    } else {
      DefaultScheduler own = new DefaultScheduler("hedge", b.closeGrace);
      this.scheduler = own;
      this.ownedScheduler = own;
    }
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      ExecutorService own = HedgeExecutors.newDefault();
      this.executor = own;
      this.ownedExecutor = own;
    }
    this.budget = new HedgeBudget(config.budget(), clock);
    this.latency = new LatencyRecorder(clock, Duration.ofMinutes(1), Duration.ofSeconds(1));
    this.strategy = newStrategy(config.delay(), config.budget());
  }

  // ADAPTIVE reads this hedger's bucket, to bypass its refusal floor while the bucket is full.
  private HedgeDelayStrategy newStrategy(DelayConfig delay, BudgetConfig budgetConfig) {
    if (delay.strategy() == HedgeDelayType.ADAPTIVE) {
      return new AdaptiveDelay(delay, budgetConfig, clock, budget::fill);
    }
    return HedgeDelayStrategy.create(delay, budgetConfig, clock);
  }

  /**
   * Returns a builder.
   *
   * @param name the hedger's name: 1 to 128 letters, digits, {@code . _ - : /}
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(InstanceNames.check("hedger", name));
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /**
   * Runs a blocking operation hedged, and waits for the answer.
   *
   * @param attempt runs one attempt; called once per attempt, on the executor's threads
   * @param <T> the result type
   * @return the winning attempt's result
   * @throws HedgeTimeoutException if no answer came within the timeout
   * @throws io.tailguard.core.circuitbreaker.CircuitRejectedException if the breaker refused the
   *     primary
   * @throws CancellationException if the calling thread was interrupted while waiting (its
   *     interrupt status is set again) or the hedger was closed
   * @throws RuntimeException the primary's exception (others suppressed) if every attempt failed
   */
  public <T> T call(Function<AttemptContext, T> attempt) {
    Validate.notNull("attempt", attempt);
    BlockingRunner<T> runner = new BlockingRunner<>(attempt, executor, primaryOnCallingThread);
    HedgedCall<T> call = newCall(runner);
    if (call == null) {
      throw closedException();
    }
    call.start();
    runner.runPrimaryHere();
    return await(call);
  }

  /**
   * Runs an asynchronous operation hedged. Never blocks: the primary's stage is created on the
   * calling thread, hedges on the executor. Cancelling the returned future cancels every attempt.
   *
   * @param attempt starts one attempt and returns its stage
   * @param <T> the result type
   * @return a future of the winning attempt's result
   */
  public <T> CompletableFuture<T> callAsync(
      Function<AttemptContext, ? extends CompletionStage<T>> attempt) {
    Validate.notNull("attempt", attempt);
    HedgedCall<T> call = newCall(new AsyncRunner<>(attempt, executor));
    if (call == null) {
      return CompletableFuture.failedFuture(closedException());
    }
    call.start();
    return call.result;
  }

  /**
   * Runs a blocking operation hedged, sharing one execution among concurrent calls with an equal
   * key (single flight). A caller that gives up (interrupt) does not cancel the execution for the
   * others. Requires {@code coalesce} in the configuration.
   *
   * @param key identifies equal calls, for example the query
   * @param attempt runs one attempt
   * @param <T> the result type
   * @return the shared result
   * @throws IllegalStateException if coalescing is off for this hedger
   */
  public <T> T call(Object key, Function<AttemptContext, T> attempt) {
    Validate.notNull("key", key);
    Validate.notNull("attempt", attempt);
    CompletableFuture<T> shared = coalesced(key, () -> startBlockingFuture(attempt));
    return awaitShared(shared);
  }

  /**
   * Runs an asynchronous operation hedged, sharing one execution among concurrent calls with an
   * equal key. Cancelling the returned future only detaches this caller.
   *
   * @param key identifies equal calls
   * @param attempt starts one attempt
   * @param <T> the result type
   * @return a future of the shared result
   * @throws IllegalStateException if coalescing is off for this hedger
   */
  public <T> CompletableFuture<T> callAsync(
      Object key, Function<AttemptContext, ? extends CompletionStage<T>> attempt) {
    Validate.notNull("key", key);
    Validate.notNull("attempt", attempt);
    return coalesced(key, () -> callAsync(attempt));
  }

  private <T> CompletableFuture<T> coalesced(
      Object key, java.util.function.Supplier<CompletableFuture<T>> start) {
    if (!config.coalesce()) {
      throw new IllegalStateException(
          "coalescing is off for hedger '" + name + "': set coalesce(true) to share calls by key");
    }
    return singleFlight.share(key, start);
  }

  private <T> CompletableFuture<T> startBlockingFuture(Function<AttemptContext, T> attempt) {
    BlockingRunner<T> runner = new BlockingRunner<>(attempt, executor, false);
    HedgedCall<T> call = newCall(runner);
    if (call == null) {
      return CompletableFuture.failedFuture(closedException());
    }
    call.start();
    runner.runPrimaryHere(); // only if the executor refused it
    return call.result;
  }

  private <T> HedgedCall<T> newCall(HedgedCall.Runner<T> runner) {
    if (closed) {
      return null;
    }
    HedgedCall<T> call = new HedgedCall<>(this, config, runner, clock.nanoTime());
    inFlight.add(call);
    call.result.whenComplete(
        (v, e) -> {
          inFlight.remove(call);
          if (retiring && inFlight.isEmpty()) {
            close();
          }
        });
    if (closed) { // close() raced with us: make sure close() or we cancel it
      call.cancel(HedgeEvent.Outcome.CANCELLED);
    }
    return call;
  }

  private <T> T await(HedgedCall<T> call) {
    try {
      return call.result.get();
    } catch (InterruptedException e) {
      call.cancel(HedgeEvent.Outcome.CANCELLED);
      if (call.result.isDone() && !call.result.isCompletedExceptionally()) {
        call.discard(call.result.getNow(null)); // answered as we gave up: nobody will see it
      }
      Thread.currentThread().interrupt();
      CancellationException c =
          new CancellationException("interrupted while waiting for hedged call of '" + name + "'");
      c.initCause(e);
      throw c;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private <T> T awaitShared(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CancellationException c =
          new CancellationException("interrupted while waiting for hedged call of '" + name + "'");
      c.initCause(e);
      throw c;
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException) {
      throw (RuntimeException) cause;
    }
    if (cause instanceof Error) {
      throw (Error) cause;
    }
    throw new CompletionException(cause);
  }

  private IllegalStateException closedException() {
    return new IllegalStateException("hedger '" + name + "' is closed");
  }

  // ---------------------------------------------------------------------------------------------
  // Callbacks from HedgedCall

  Clock clock() {
    return clock;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  HedgeBudget budget() {
    return budget;
  }

  long delayNanos(int hedge) {
    try {
      long d = strategy.delayNanos(hedge);
      if (d < 0) {
        throw new IllegalStateException("delay strategy returned a negative delay: " + d + "ns");
      }
      return d;
    } catch (RuntimeException e) {
      onStrategyFault(e);
      return config.delay().warmupDelay().toNanos();
    }
  }

  void feedLatency(long nanos) {
    try {
      strategy.recordLatency(nanos);
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
  }

  void feedSuccess() {
    try {
      strategy.recordSuccess();
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
  }

  void feedFailure() {
    try {
      strategy.recordFailure();
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
  }

  void feedPrimary(long elapsedNanos, boolean completed) {
    try {
      strategy.recordPrimary(elapsedNanos, completed);
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
  }

  void feedHedgeOutcome(long firstHedgeDelayNanos, boolean hedgeWon) {
    try {
      strategy.recordHedgeOutcome(firstHedgeDelayNanos, hedgeWon);
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
  }

  void onStrategyFault(RuntimeException e) {
    strategyFaults.increment();
    if (strategyFaults.sum() == 1) {
      log.warn(
          "Hedger '{}': delay strategy or statistics failed; using the warm-up delay", name, e);
    } else {
      log.debug("Hedger '{}': delay strategy or statistics failed again", name, e);
    }
    if (hasListeners()) {
      publish(new HedgeEvent.StrategyFault(name, clock.instant(), e));
    }
  }

  void onAttemptStarted(int attempt, HedgeEvent.Trigger trigger) {
    attempts.increment();
    if (attempt > 0) {
      hedges.increment();
    }
    if (hasListeners()) {
      publish(new HedgeEvent.AttemptStarted(name, clock.instant(), attempt));
      if (attempt > 0) {
        Duration delay = Duration.ofNanos(delayNanos(attempt));
        publish(new HedgeEvent.HedgeFired(name, clock.instant(), attempt, trigger, delay));
      }
    }
  }

  /**
   * The budget refused an attempt.
   *
   * @param delayed {@code true} if the strategy's delay asked for it; a refusal of an attempt that
   *     a failure asked for says nothing about the delay, so the strategy is not told
   */
  void onBudgetExhausted(boolean delayed) {
    budgetExhausted.increment();
    if (delayed) {
      try {
        strategy.recordBudgetExhausted(budget.spentOnFailures());
      } catch (RuntimeException e) {
        onStrategyFault(e);
      }
    }
    if (hasListeners()) {
      publish(new HedgeEvent.BudgetExhausted(name, clock.instant()));
    }
  }

  void onExecutorRefused(int attempt) {
    executorRefusals.increment();
    if (hasListeners()) {
      publish(new HedgeEvent.ExecutorRefused(name, clock.instant(), attempt));
    }
  }

  void onCallCompleted(HedgeEvent.Outcome outcome, int winner, int started, long latencyNanos) {
    calls.increment();
    if (outcome == HedgeEvent.Outcome.SUCCESS) {
      if (winner == 0) {
        primaryWins.increment();
      } else {
        hedgeWins.increment();
      }
    } else {
      failedCalls.increment();
      if (outcome == HedgeEvent.Outcome.TIMEOUT) {
        timeouts.increment();
      }
    }
    try {
      latency.record(latencyNanos);
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
    if (recorder != null) {
      recorder.callEnded(name, EngineType.HEDGE, outcome(outcome), latencyNanos, started);
    }
    if (hasListeners()) {
      publish(
          new HedgeEvent.CallCompleted(
              name, clock.instant(), outcome, winner, started, Duration.ofNanos(latencyNanos)));
    }
  }

  private static CallOutcome outcome(HedgeEvent.Outcome o) {
    switch (o) {
      case SUCCESS:
        return CallOutcome.SUCCESS;
      case TIMEOUT:
        return CallOutcome.TIMEOUT;
      case CANCELLED:
        return CallOutcome.CANCELLED;
      default:
        return CallOutcome.FAILURE;
    }
  }

  private boolean hasListeners() {
    return !listeners.isEmpty() || (parent != null && !parent.isEmpty());
  }

  private void publish(HedgeEvent event) {
    listeners.publish(event);
    if (parent != null) {
      parent.publish(event);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration, state, reporting

  /**
   * Replaces the configuration. Calls already running keep their timeout, maximum and budget share;
   * their next hedge uses the new delay strategy. A strategy of the same type keeps what it
   * learned; a new type starts cold.
   *
   * @param next the new configuration
   * @throws IllegalArgumentException if {@code next} is {@code null}; the old one stays
   */
  public void reconfigure(HedgeConfig next) {
    Validate.notNull("config", next);
    HedgeConfig previous;
    synchronized (reconfigureLock) {
      previous = config;
      HedgeDelayStrategy current = strategy;
      if (current.type() == next.delay().strategy()) {
        current.reconfigure(next.delay(), next.budget());
      } else {
        strategy = newStrategy(next.delay(), next.budget());
      }
      budget.reconfigure(next.budget());
      config = next;
    }
    if (!previous.equals(next)) {
      log.atInfo().addKeyValue("name", name).log("Hedger '{}' reconfigured", name);
      if (hasListeners()) {
        publish(new HedgeEvent.ConfigChanged(name, clock.instant(), previous, next));
      }
    }
  }

  /**
   * Changes some settings, keeping the others; if a change is refused, nothing changes.
   *
   * @param changes edits a builder that starts from the current configuration
   */
  public void reconfigure(UnaryOperator<HedgeConfig.Builder> changes) {
    Validate.notNull("changes", changes);
    HedgeConfig.Builder edited = changes.apply(config.toBuilder());
    reconfigure(Validate.notNull("the builder returned by changes", edited).build());
  }

  /**
   * Replaces the delay strategy with a custom one, for example a test double or a strategy of your
   * own. A later {@link #reconfigure(HedgeConfig)} with a different type replaces it again.
   *
   * @param custom the strategy
   */
  public void useStrategy(HedgeDelayStrategy custom) {
    Validate.notNull("strategy", custom);
    synchronized (reconfigureLock) {
      strategy = custom;
    }
  }

  /**
   * Returns the hedger's name.
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
  public HedgeConfig config() {
    return config;
  }

  /**
   * Returns the delay strategy in force.
   *
   * @return the strategy
   */
  public HedgeDelayStrategy strategy() {
    return strategy;
  }

  /**
   * Returns the hedge tokens available now.
   *
   * @return the budget, in hedges
   */
  public double availableBudget() {
    return budget.available();
  }

  /**
   * Returns a snapshot of the counters and latency.
   *
   * @return the metrics
   */
  public HedgeMetrics metrics() {
    latency.refresh();
    LatencySnapshot window = latency.snapshot();
    boolean warm;
    try {
      warm = strategy.isWarm();
    } catch (RuntimeException e) {
      onStrategyFault(e);
      warm = false;
    }
    return new HedgeMetrics(
        calls.sum(),
        attempts.sum(),
        hedges.sum(),
        primaryWins.sum(),
        hedgeWins.sum(),
        failedCalls.sum(),
        timeouts.sum(),
        budgetExhausted.sum(),
        executorRefusals.sum(),
        strategyFaults.sum(),
        singleFlight.joined(),
        delayNanos(1),
        warm,
        window.p50Nanos(),
        window.p99Nanos(),
        window.p999Nanos());
  }

  /**
   * Returns the configuration, strategy state and metrics as an ordered map of plain values.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    HedgeMetrics m = metrics();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", name);
    d.put("currentDelayMillis", m.currentDelayNanos() / 1e6);
    d.put("warm", m.warm());
    d.put("calls", m.calls());
    d.put("attempts", m.attempts());
    d.put("attemptsPerCall", m.attemptsPerCall());
    d.put("hedges", m.hedges());
    d.put("hedgeRate", m.hedgeRate());
    d.put("hedgeWins", m.hedgeWins());
    d.put("hedgeWinRate", m.hedgeWinRate());
    d.put("primaryWins", m.primaryWins());
    d.put("failedCalls", m.failedCalls());
    d.put("timeouts", m.timeouts());
    d.put("budgetExhausted", m.budgetExhausted());
    d.put("availableBudget", budget.available());
    d.put("executorRefusals", m.executorRefusals());
    d.put("strategyFaults", m.strategyFaults());
    d.put("coalescedCalls", m.coalescedCalls());
    d.put("latencyP50Millis", m.p50Nanos() / 1e6);
    d.put("latencyP99Millis", m.p99Nanos() / 1e6);
    d.put("latencyP999Millis", m.p999Nanos() / 1e6);
    d.put("inFlight", inFlight.size());
    try {
      d.put("strategy", strategy.describe());
    } catch (RuntimeException e) {
      onStrategyFault(e);
    }
    d.put("config", config.toMap());
    return d;
  }

  /**
   * Adds a listener for this hedger's events.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super HedgeEvent> listener) {
    return listeners.subscribe(listener);
  }

  // ---------------------------------------------------------------------------------------------
  // Persistence

  /**
   * Saves what the delay strategy has learned, in a versioned binary format: a magic number, the
   * format version, the strategy type, its state and a CRC-32 (see {@code HedgerSnapshot}).
   *
   * @return the snapshot
   */
  public byte[] snapshot() {
    try {
      return HedgerSnapshot.write(name, strategy);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the snapshot of hedger '" + name + "'", e);
    }
  }

  /**
   * Restores what a {@link #snapshot()} saved, if it was taken from a strategy of the same type. A
   * corrupt, foreign or incompatible snapshot is logged as a warning and ignored: the strategy
   * starts cold.
   *
   * @param snapshot the bytes
   * @return {@code true} if the state was restored
   */
  public boolean restore(byte[] snapshot) {
    if (snapshot == null) {
      log.warn("Hedger '{}': no snapshot given; starting cold", name);
      return false;
    }
    HedgeDelayStrategy s = strategy;
    try {
      String from = HedgerSnapshot.read(snapshot, s);
      log.info("Hedger '{}': restored {} strategy state saved by '{}'", name, s.type(), from);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Hedger '{}': ignoring an unusable snapshot ({}); starting cold", name, e.toString());
      return false;
    }
  }

  /**
   * Writes {@link #snapshot()} to a file, atomically where the file system allows.
   *
   * @param file the file
   * @throws IOException if it cannot be written
   */
  public void saveTo(Path file) throws IOException {
    Validate.notNull("file", file);
    HedgerSnapshot.writeFile(file, snapshot());
  }

  /**
   * Restores from a file written by {@link #saveTo(Path)}. A missing, unreadable or unusable file
   * is logged and ignored.
   *
   * @param file the file
   * @return {@code true} if the state was restored
   */
  public boolean restoreFrom(Path file) {
    Validate.notNull("file", file);
    try {
      return restore(Files.readAllBytes(file));
    } catch (IOException e) {
      log.warn(
          "Hedger '{}': cannot read snapshot {} ({}); starting cold", name, file, e.toString());
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown

  /**
   * Returns whether {@link #close()} was called.
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes this hedger once the calls in flight on it have ended, without cancelling them: at once
   * if there are none. Calls may still start until then. The registry retires a removed hedger so;
   * its hedgers own no threads, so the close that the last call's thread runs waits for nothing.
   *
   * @return a stage that completes once the hedger is closed
   */
  CompletionStage<Void> closeWhenIdle() {
    retiring = true;
    if (inFlight.isEmpty()) {
      close();
    }
    return closedStage.minimalCompletionStage();
  }

  /**
   * Cancels the calls in flight, stops the scheduler and executor this hedger owns (gracefully,
   * then by interrupting after the grace period) and refuses further calls. Executors and
   * schedulers given to the builder are left to their owner.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (HedgedCall<?> call : inFlight) {
      call.cancel(HedgeEvent.Outcome.CANCELLED);
    }
    if (ownedScheduler != null) {
      try {
        ownedScheduler.close();
      } catch (Exception e) {
        log.warn("Hedger '{}': stopping its scheduler failed", name, e);
      }
    }
    if (ownedExecutor != null
        && !Shutdown.stop(ownedExecutor, closeGrace)
        && !Thread.currentThread().isInterrupted()) {
      log.warn("Hedger '{}': attempts still running {} after an interrupt", name, closeGrace);
    }
    closedStage.complete(null);
  }

  /**
   * Returns whether the executor this hedger owns has stopped; {@code true} if it owns none.
   *
   * @return whether its threads have ended
   */
  public boolean isTerminated() {
    boolean schedulerDone =
        !(ownedScheduler instanceof DefaultScheduler)
            || ((DefaultScheduler) ownedScheduler).isTerminated();
    return schedulerDone && (ownedExecutor == null || ownedExecutor.isTerminated());
  }

  @Override
  public String toString() {
    return "Hedger[" + name + "]";
  }

  /**
   * Builds a {@link Hedger}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private HedgeConfig config = HedgeConfig.defaults();
    private Clock clock = Clock.system();
    private Scheduler scheduler;
    private Executor executor;
    private CircuitBreaker breaker;
    private Duration closeGrace = Shutdown.DEFAULT_GRACE;
    private boolean primaryOnCallingThread;
    private EventListeners<HedgeEvent> parent;
    private CallRecorder recorder;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the configuration; default {@link HedgeConfig#defaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(HedgeConfig config) {
      this.config = Validate.notNull("config", config);
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
     * Sets the scheduler for hedge delays and timeouts, owned by the caller; default a {@link
     * DefaultScheduler} owned by the hedger.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Sets the executor for attempts, owned by the caller; default {@link
     * HedgeExecutors#newDefault()} owned by the hedger.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Validate.notNull("executor", executor);
      return this;
    }

    /**
     * Runs the primary attempt of a blocking {@link Hedger#call(Function)} on the calling thread
     * instead of the executor (hedges still run on the executor); default {@code false}. This saves
     * handing the primary to another thread and waking the caller when it answers, which costs tens
     * of microseconds on some machines (see {@code benchmarks/RESULTS.md}).
     *
     * <p>Only for attempts that respond to interrupts (blocking I/O that is interruptible, {@code
     * Future.get}, {@code Thread.sleep}, a loop that checks {@link AttemptContext#isCancelled()}):
     * while the primary runs, the caller is inside it, so when a hedge wins or the timeout passes
     * the caller's thread is interrupted, and the call returns the hedge's answer (or fails with
     * the timeout) only once the primary's body has returned. A primary that ignores interrupts
     * delays the call until it ends, and the timeout cannot cut it short. The interrupt the call
     * sends is cleared before the call returns. Coalesced calls ({@link Hedger#call(Object,
     * Function)}) and asynchronous calls are not affected.
     *
     * @param enabled whether the primary runs on the calling thread
     * @return this builder
     */
    public Builder primaryOnCallingThread(boolean enabled) {
      this.primaryOnCallingThread = enabled;
      return this;
    }

    /**
     * Puts every attempt through a circuit breaker.
     *
     * @param breaker the breaker
     * @return this builder
     */
    public Builder breaker(CircuitBreaker breaker) {
      this.breaker = Validate.notNull("breaker", breaker);
      return this;
    }

    /**
     * Sets how long {@link Hedger#close()} waits for owned threads in each of its two phases;
     * default 5s.
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

    Builder parent(EventListeners<HedgeEvent> parent) {
      this.parent = parent;
      return this;
    }

    /**
     * Creates the hedger.
     *
     * @return the hedger
     */
    public Hedger build() {
      return new Hedger(this);
    }
  }
}
