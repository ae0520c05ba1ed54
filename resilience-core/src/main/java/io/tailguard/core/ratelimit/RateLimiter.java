package io.tailguard.core.ratelimit;

import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.OwnedCounter;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.telemetry.CallOutcome;
import io.tailguard.core.telemetry.CallRecorder;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.Scheduler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rate limiter for one operation (for example {@code search}), applied per key (a user, an
 * organisation, an API key): each key gets {@code capacity} permits per {@code window}, earned back
 * evenly, with bursts of up to {@code capacity}. See {@link RateLimitConfig} for the exact
 * guarantee.
 *
 * <pre>{@code
 * RateLimiter search = RateLimiter.of("search", RateLimitConfig.of(30, Duration.ofMinutes(1)));
 * if (!search.tryAcquire(apiKey)) {
 *   // answer 429
 * }
 * search.acquireOrThrow(apiKey);                      // throws RateLimitExceededException
 * RateLimitDecision d = search.decide(apiKey);       // everything the response headers need
 * search.acquire(apiKey, 1, Duration.ofMillis(200));  // waits up to 200 ms for a permit
 * }</pre>
 *
 * <p>Keys must not be null and are at most {@link RateLimitConfig#MAX_KEY_LENGTH} characters;
 * longer keys are refused with an {@link InvalidRateLimitKeyException}, never truncated (two keys
 * that share a prefix must not share a limit). The key table is bounded by {@code maxKeys}: once
 * full, a new key is refused with {@link RateLimitDecision.Reason#KEY_LIMIT} while known keys keep
 * working, so a flood of made-up keys cannot exhaust memory.
 *
 * <p>Waiting for a permit is a reservation: the permit is taken at once and the caller waits until
 * its turn, so waiting callers are served in order and never more than the rate. An interrupted
 * blocking wait gives its permits back.
 *
 * <p>Only refusals are reported to the call recorder (as {@link CallOutcome#REJECTED}): a permitted
 * request is not a call the limiter can time, since the work it guards runs after it returns.
 *
 * <p>This class is thread-safe; its request path is lock-free and, for the in-memory store and a
 * key it tracks, allocation-free (a contended key allocates a lease table once, and a thread a
 * lease when it takes a slot in it; see {@link InMemoryRateLimiterStore}).
 */
public final class RateLimiter {

  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final long KEY_LIMIT_LOG_SPACING_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final VarHandle CONFIG;

  static {
    try {
      CONFIG =
          MethodHandles.lookup().findVarHandle(RateLimiter.class, "config", RateLimitConfig.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final RateLimiterStore store;
  private final Clock clock;
  private final Scheduler scheduler;
  private final CallRecorder recorder;
  private final EventListeners<RateLimitEvent> listeners = new EventListeners<>();
  private final EventListeners<RateLimitEvent> parent;
  // Bumped on every permit: owned slots, so the common case is a plain store (see OwnedCounter).
  private final OwnedCounter permitted = new OwnedCounter();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder keyLimited = new LongAdder();
  // Read on every request; replaced by compare-and-set in reconfigure.
  private volatile RateLimitConfig config;
  // Clock time of the last key-limit warning; a racy check-then-set is fine, it only spaces logs.
  private volatile long lastKeyLimitLog;

  private RateLimiter(Builder b) {
    this.name = b.name;
    this.config = b.config;
    this.clock = b.clock;
    this.store = b.store != null ? b.store : new InMemoryRateLimiterStore(b.clock);
    this.scheduler = b.scheduler;
    this.recorder = b.recorder;
    this.parent = b.parent;
    this.lastKeyLimitLog = clock.nanoTime() - KEY_LIMIT_LOG_SPACING_NANOS;
  }

  /**
   * Creates a limiter with an in-memory store and the system clock.
   *
   * @param name the name
   * @param config the settings
   * @return the limiter
   */
  public static RateLimiter of(String name, RateLimitConfig config) {
    return builder(name).config(config).build();
  }

  /**
   * Returns a builder.
   *
   * @param name the limiter's name, used in metrics, logs and errors
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Takes one permit for {@code key} if one is available now.
   *
   * @param key the key
   * @return whether the permit was granted
   * @throws IllegalArgumentException if the key is null or too long
   */
  public boolean tryAcquire(String key) {
    return tryAcquire(key, 1);
  }

  /**
   * Takes {@code permits} for {@code key} if they are all available now; otherwise takes none.
   *
   * @param key the key
   * @param permits in [1, capacity]
   * @return whether the permits were granted
   * @throws IllegalArgumentException if the key is null or too long, or permits out of range
   */
  public boolean tryAcquire(String key, int permits) {
    RateLimitConfig c = config;
    check(key, permits, c);
    long r = store.acquire(key, permits, 0, c);
    if (r >= 0) {
      permitted.increment();
      return true;
    }
    refused(key, permits, r, c);
    return false;
  }

  /**
   * Takes one permit for {@code key} or throws.
   *
   * @param key the key
   * @throws RateLimitExceededException if no permit is available now
   */
  public void acquireOrThrow(String key) {
    acquireOrThrow(key, 1);
  }

  /**
   * Takes {@code permits} for {@code key} or throws.
   *
   * @param key the key
   * @param permits in [1, capacity]
   * @throws RateLimitExceededException if the permits are not available now
   */
  public void acquireOrThrow(String key, int permits) {
    RateLimitConfig c = config;
    check(key, permits, c);
    long r = store.acquire(key, permits, 0, c);
    if (r >= 0) {
      permitted.increment();
      return;
    }
    refused(key, permits, r, c);
    throw new RateLimitExceededException(name, refusal(r, permits, c));
  }

  /**
   * Takes one permit for {@code key} if available now, and tells what a response needs for its
   * rate-limit headers.
   *
   * @param key the key
   * @return the decision
   */
  public RateLimitDecision decide(String key) {
    return decide(key, 1);
  }

  /**
   * Takes {@code permits} for {@code key} if available now, and tells what a response needs for its
   * rate-limit headers.
   *
   * @param key the key
   * @param permits in [1, capacity]
   * @return the decision
   */
  public RateLimitDecision decide(String key, int permits) {
    RateLimitConfig c = config;
    check(key, permits, c);
    RateLimitDecision d = store.decide(key, permits, c);
    if (d.permitted()) {
      permitted.increment();
    } else {
      refused(
          key,
          permits,
          d.reason() == RateLimitDecision.Reason.KEY_LIMIT
              ? RateLimiterStore.KEY_LIMIT
              : -Math.max(1, d.retryAfter().toNanos()),
          c);
    }
    return d;
  }

  /**
   * Takes {@code permits} for {@code key}, waiting up to {@code timeout} for them. If they cannot
   * be had within the timeout, returns {@code false} at once without waiting.
   *
   * @param key the key
   * @param permits in [1, capacity]
   * @param timeout the longest wait, in [0, window]
   * @return whether the permits were granted
   * @throws InterruptedException if interrupted while waiting; the permits are given back
   */
  public boolean acquire(String key, int permits, Duration timeout) throws InterruptedException {
    RateLimitConfig c = config;
    check(key, permits, c);
    long maxWait = checkTimeout(timeout, c);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long r = store.acquire(key, permits, maxWait, c);
    if (r < 0) {
      refused(key, permits, r, c);
      return false;
    }
    permitted.increment();
    if (r > 0) {
      try {
        await(r);
      } catch (InterruptedException e) {
        store.release(key, permits, c);
        permitted.decrement();
        throw e;
      }
    }
    return true;
  }

  private void await(long nanos) throws InterruptedException {
    if (scheduler == null) {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return;
    }
    CountDownLatch due = new CountDownLatch(1);
    Scheduler.ScheduledTask task = scheduler.schedule(due::countDown, Duration.ofNanos(nanos));
    try {
      due.await();
    } finally {
      task.cancel();
    }
  }

  /**
   * Takes {@code permits} for {@code key}, completing when they are available (at most {@code
   * timeout} from now) without blocking a thread, on a store that talks to a server too (the
   * request is sent with {@link RateLimiterStore#acquireAsync}). If they cannot be had within the
   * timeout, the stage fails with a {@link RateLimitExceededException}. A stage that had to wait
   * completes on the scheduler's thread, and one the server decided on the server client's thread:
   * chain real work with the {@code *Async} methods of {@link CompletableFuture} or an executor of
   * your own, not on those threads.
   *
   * @param key the key
   * @param permits in [1, capacity]
   * @param timeout the longest wait, in [0, window]
   * @return a stage that completes when the permits are the caller's
   * @throws InvalidRateLimitKeyException if the key breaks a key rule (of the store's too)
   */
  public CompletionStage<Void> acquireAsync(String key, int permits, Duration timeout) {
    RateLimitConfig c = config;
    check(key, permits, c);
    long maxWait = checkTimeout(timeout, c);
    CompletionStage<Long> decision = store.acquireAsync(key, permits, maxWait, c);
    if (decision instanceof CompletableFuture<Long> f
        && f.isDone()
        && !f.isCompletedExceptionally()) {
      return granted(key, permits, c, f.join()); // decided already (in memory): nothing to chain
    }
    return decision.thenCompose(r -> granted(key, permits, c, r));
  }

  /** The caller's stage once the store decided {@code r}, as {@link RateLimiterStore#acquire}. */
  private CompletableFuture<Void> granted(String key, int permits, RateLimitConfig c, long r) {
    if (r < 0) {
      refused(key, permits, r, c);
      return CompletableFuture.failedFuture(
          new RateLimitExceededException(name, refusal(r, permits, c)));
    }
    permitted.increment();
    if (r == 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    try {
      if (scheduler == null) {
        CompletableFuture.delayedExecutor(r, TimeUnit.NANOSECONDS)
            .execute(() -> ready.complete(null));
      } else {
        scheduler.schedule(() -> ready.complete(null), Duration.ofNanos(r));
      }
    } catch (RejectedExecutionException e) {
      store.release(key, permits, c);
      permitted.decrement();
      ready.completeExceptionally(e);
    }
    return ready;
  }

  private static RateLimitDecision refusal(long r, int permits, RateLimitConfig c) {
    return r == RateLimiterStore.KEY_LIMIT
        ? RateLimitDecision.keyLimit(c)
        : RateLimitDecision.rateExceeded(-r, permits, c);
  }

  private void refused(String key, int permits, long r, RateLimitConfig c) {
    if (r == RateLimiterStore.KEY_LIMIT) {
      keyLimited.increment();
      keyLimitReached(c);
    } else {
      rejected.increment();
      if (hasListeners()) {
        publish(
            new RateLimitEvent.Rejected(name, clock.instant(), key, permits, Duration.ofNanos(-r)));
      }
    }
    if (recorder != null) {
      recorder.callEnded(name, EngineType.RATE_LIMIT, CallOutcome.REJECTED, 0, 0);
    }
  }

  private void keyLimitReached(RateLimitConfig c) {
    long now = clock.nanoTime();
    long last = lastKeyLimitLog;
    if (now - last < KEY_LIMIT_LOG_SPACING_NANOS) {
      return;
    }
    lastKeyLimitLog = now;
    log.atWarn()
        .addKeyValue("name", name)
        .addKeyValue("max_keys", c.maxKeys())
        .addKeyValue("refused_total", keyLimited.sum())
        .log(
            "Rate limiter '{}' tracks its maximum of {} keys; new keys are refused (logged at most"
                + " once a minute)",
            name,
            c.maxKeys());
    if (hasListeners()) {
      publish(new RateLimitEvent.KeyLimitReached(name, clock.instant(), c.maxKeys()));
    }
  }

  private void check(String key, int permits, RateLimitConfig c) {
    if (key == null) {
      throw new InvalidRateLimitKeyException(name, "key must not be null");
    }
    if (key.length() > RateLimitConfig.MAX_KEY_LENGTH) {
      throw new InvalidRateLimitKeyException(
          name,
          "key must be at most "
              + RateLimitConfig.MAX_KEY_LENGTH
              + " characters, was "
              + key.length()
              + " characters");
    }
    if (permits < 1 || permits > c.capacity()) {
      throw new IllegalArgumentException(
          "permits must be in [1, capacity = " + c.capacity() + "], was " + permits);
    }
  }

  private static long checkTimeout(Duration timeout, RateLimitConfig c) {
    return Validate.inRange("timeout", timeout, Duration.ZERO, c.window()).toNanos();
  }

  /**
   * Replaces the settings. Keys keep the share of their allowance they have used, rescaled to the
   * new window (see {@link RateLimiterStore#reconfigured}): a key that had spent all of it waits
   * one new interval for its next permit, one that had spent half has half of the new capacity. A
   * change of capacity alone changes no key's wait, only how many permits the rest of it holds.
   *
   * @param next the new settings
   */
  public void reconfigure(RateLimitConfig next) {
    Validate.notNull("config", next);
    RateLimitConfig previous = (RateLimitConfig) CONFIG.getAndSet(this, next);
    changed(previous, next);
  }

  /**
   * Changes some settings, keeping the others; if a change is refused, nothing changes. Two
   * concurrent edits both apply.
   *
   * @param changes edits a builder that starts from the current configuration
   */
  public void reconfigure(UnaryOperator<RateLimitConfig.Builder> changes) {
    Validate.notNull("changes", changes);
    for (; ; ) {
      RateLimitConfig previous = config;
      RateLimitConfig.Builder edited = changes.apply(previous.toBuilder());
      RateLimitConfig next = Validate.notNull("the builder returned by changes", edited).build();
      if (CONFIG.compareAndSet(this, previous, next)) {
        changed(previous, next);
        return;
      }
    }
  }

  private void changed(RateLimitConfig previous, RateLimitConfig next) {
    if (previous.equals(next)) {
      return;
    }
    store.reconfigured(previous, next);
    log.atInfo()
        .addKeyValue("name", name)
        .addKeyValue("capacity", next.capacity())
        .addKeyValue("window", next.window())
        .log("Rate limiter '{}' reconfigured", name);
    if (hasListeners()) {
      publish(new RateLimitEvent.ConfigChanged(name, clock.instant(), previous, next));
    }
  }

  /**
   * Returns the limiter's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the settings in force.
   *
   * @return the config
   */
  public RateLimitConfig config() {
    return config;
  }

  /**
   * Returns the store holding the keys.
   *
   * @return the store
   */
  public RateLimiterStore store() {
    return store;
  }

  /**
   * Returns how many requests were permitted.
   *
   * @return the count
   */
  public long permittedCount() {
    return permitted.sum();
  }

  /**
   * Returns how many requests were refused, whatever the reason.
   *
   * @return the count
   */
  public long rejectedCount() {
    return rejected.sum() + keyLimited.sum();
  }

  /**
   * Returns how many requests of new keys were refused because the key table was full.
   *
   * @return the count
   */
  public long keyLimitedCount() {
    return keyLimited.sum();
  }

  /**
   * Returns the number of keys tracked now, or -1 if the store cannot tell.
   *
   * @return the key count
   */
  public long keyCount() {
    return store.keyCount();
  }

  /**
   * Returns the settings and live counters as a map, for reports.
   *
   * @return an ordered map
   */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("config", config.describe());
    m.put("permitted", permitted.sum());
    m.put("rejected", rejected.sum());
    m.put("keyLimited", keyLimited.sum());
    m.put("store", store.describe());
    return m;
  }

  /**
   * Adds a listener for this limiter's events.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super RateLimitEvent> listener) {
    return listeners.subscribe(listener);
  }

  private boolean hasListeners() {
    return !listeners.isEmpty() || (parent != null && !parent.isEmpty());
  }

  private void publish(RateLimitEvent event) {
    listeners.publish(event);
    if (parent != null) {
      parent.publish(event);
    }
  }

  @Override
  public String toString() {
    return "RateLimiter[" + name + ", " + config + "]";
  }

  /**
   * Builds a {@link RateLimiter}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private RateLimitConfig config = RateLimitConfig.defaults();
    private Clock clock = Clock.system();
    private RateLimiterStore store;
    private Scheduler scheduler;
    private CallRecorder recorder;
    private EventListeners<RateLimitEvent> parent;

    private Builder(String name) {
      this.name = InstanceNames.check("rate limiter", name);
    }

    /**
     * Sets the settings; default {@link RateLimitConfig#defaults()}.
     *
     * @param config the settings
     * @return this builder
     */
    public Builder config(RateLimitConfig config) {
      this.config = Validate.notNull("config", config);
      return this;
    }

    /**
     * Sets the clock; it must be the clock the store uses.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Validate.notNull("clock", clock);
      return this;
    }

    /**
     * Sets the store; default an {@link InMemoryRateLimiterStore} on this builder's clock.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(RateLimiterStore store) {
      this.store = Validate.notNull("store", store);
      return this;
    }

    /**
     * Sets the scheduler that ends waits for a permit; without one, blocking waits sleep and
     * asynchronous waits use {@link CompletableFuture#delayedExecutor}, both in real time.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Validate.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Reports refusals to a recorder, such as the telemetry hub.
     *
     * @param recorder the recorder
     * @return this builder
     */
    public Builder recorder(CallRecorder recorder) {
      this.recorder = Validate.notNull("recorder", recorder);
      return this;
    }

    Builder parent(EventListeners<RateLimitEvent> parent) {
      this.parent = parent;
      return this;
    }

    /**
     * Creates the limiter.
     *
     * @return the limiter
     */
    public RateLimiter build() {
      return new RateLimiter(this);
    }
  }
}
