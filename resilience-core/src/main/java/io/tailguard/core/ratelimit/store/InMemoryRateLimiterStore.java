package io.tailguard.core.ratelimit.store;

import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimit.RateLimitConfig;
import io.tailguard.core.ratelimit.RateLimitDecision;
import io.tailguard.core.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The default {@link RateLimiterStore}: one lock-free cell per key in a {@link ConcurrentHashMap},
 * holding the key's theoretical arrival time (TAT) of the generic cell rate algorithm.
 *
 * <p>A request for {@code n} permits at time {@code now} moves the TAT to {@code max(TAT, now) + n
 * * interval} with one compare-and-set, if the result is at most {@code burst} (capacity intervals)
 * ahead of {@code now}; a refusal writes nothing, so a hot key that is over its limit causes no
 * write contention.
 *
 * <p>A key whose TAT has fallen behind the clock is at full capacity: it holds no information and
 * is evicted, exactly as if it had never been seen. Once the key count passes {@code
 * cleanupThreshold}, the thread that adds a key sweeps such keys out (one sweep at a time, and
 * sweeps spaced so that their cost per added key stays constant). At {@code maxKeys} a new key is
 * refused ({@link #KEY_LIMIT}) after one more sweep, at most one per second, has failed to make
 * room; keys already tracked keep working.
 *
 * <p>This class is thread-safe and lock-free on its request path.
 */
public final class InMemoryRateLimiterStore implements RateLimiterStore {

  // A cell's TAT after a sweep removed it; a request that finds it looks the key up again.
  private static final long EVICTED = Long.MIN_VALUE;
  private static final long FULL_SWEEP_SPACING_NANOS = Duration.ofSeconds(1).toNanos();

  private final Clock clock;
  // Clock time at creation. The store keeps times relative to it, so a TAT is never EVICTED: that
  // would take 292 years, where absolute clock values may be anything, Long.MIN_VALUE included.
  private final long origin;
  private final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();
  // The number of cells in the map plus insertions in progress; every insertion reserves a slot
  // here first (CAS, never above maxKeys) and whoever removes a cell gives its slot back.
  private final AtomicInteger keys = new AtomicInteger();
  // Key count at which the next sweep starts; written by the sweeping thread only.
  private volatile int sweepAt;
  // Time (since origin) of the last sweep forced by a full table; written by the sweeping thread.
  private volatile long lastFullSweep;
  // Held by the one thread sweeping.
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder refusedKeys = new LongAdder();
  private final LongAdder sweeps = new LongAdder();

  /**
   * Creates a store.
   *
   * @param clock the clock requests are timed by
   */
  public InMemoryRateLimiterStore(Clock clock) {
    this.clock = Validate.notNull("clock", clock);
    this.origin = clock.nanoTime();
    this.lastFullSweep = -FULL_SWEEP_SPACING_NANOS;
  }

  /** The clock's time relative to {@link #origin}. */
  private long clockTime() {
    return clock.nanoTime() - origin;
  }

  /**
   * Returns a factory that creates an in-memory store per limiter.
   *
   * @param clock the clock
   * @return the factory
   */
  public static RateLimiterStore.Factory factory(Clock clock) {
    Validate.notNull("clock", clock);
    return name -> new InMemoryRateLimiterStore(clock);
  }

  @Override
  public long acquire(String key, int permits, long maxWaitNanos, RateLimitConfig config) {
    long r = take(key, permits, maxWaitNanos, config, clockTime());
    return r > 0 ? Math.max(0, r - config.burstNanos()) : r;
  }

  @Override
  public RateLimitDecision decide(String key, int permits, RateLimitConfig config) {
    long r = take(key, permits, 0, config, clockTime());
    if (r == KEY_LIMIT) {
      return RateLimitDecision.keyLimit(config);
    }
    return r > 0
        ? RateLimitDecision.permitted(r, config)
        : RateLimitDecision.rateExceeded(-r, permits, config);
  }

  /**
   * The algorithm. Returns how far ahead of {@code now} the key's new TAT is ({@code > 0}) when
   * permitted, the negated excess over {@code burst} ({@code < 0}, the time until the request would
   * fit) when refused because that excess is above {@code maxWait}, or {@link #KEY_LIMIT}.
   */
  private long take(String key, int permits, long maxWaitNanos, RateLimitConfig config, long now) {
    long cost = (long) permits * config.emissionIntervalNanos();
    long burst = config.burstNanos();
    Cell cell = cells.get(key);
    for (; ; ) {
      if (cell == null) {
        cell = insert(key, config, now);
        if (cell == null) {
          refusedKeys.increment();
          return KEY_LIMIT;
        }
        // The cell may start later than `now` (see insert): decide at a time no earlier.
        now = clockTime();
      }
      long tat = cell.tat;
      if (tat == EVICTED) {
        // Swept out after we found it: help remove it, then start from a fresh cell.
        if (cells.remove(key, cell)) {
          keys.decrementAndGet();
        }
        cell = cells.get(key);
        continue;
      }
      long base = tat - now < 0 ? now : tat;
      long ahead = base + cost - now;
      long excess = ahead - burst;
      if (excess > maxWaitNanos) {
        return -excess;
      }
      if (cell.casTat(tat, base + cost)) {
        return ahead;
      }
      cell = cells.get(key);
    }
  }

  private Cell insert(String key, RateLimitConfig config, long now) {
    int count = keys.get();
    // A full table is left to the forced sweep below, at most one per second: sweeping it here
    // would scan every key for every new key of a flood.
    if (count < config.maxKeys() && count >= Math.max(config.cleanupThreshold(), sweepAt)) {
      sweep(config, now, false);
    }
    for (; ; ) {
      int n = keys.get();
      if (n >= config.maxKeys()) {
        if (!sweep(config, now, true) || keys.get() >= config.maxKeys()) {
          return null;
        }
        continue;
      }
      if (keys.compareAndSet(n, n + 1)) {
        break;
      }
    }
    // A new cell starts at a clock time read under the map's lock for the key, so after the removal
    // of any earlier cell of the key, whose TAT was behind the clock of the sweep that evicted it.
    // Starting at `now` instead, read before that eviction, would move the key's TAT back and
    // grant its permits twice.
    Cell fresh = new Cell(0);
    Cell cell = cells.computeIfAbsent(key, k -> fresh.start(clockTime()));
    if (cell != fresh) {
      keys.decrementAndGet();
    }
    return cell;
  }

  /**
   * Removes every cell at full capacity. Returns whether this call swept: false if another thread
   * is sweeping, or if a sweep forced by a full table ran less than a second ago.
   */
  private boolean sweep(RateLimitConfig config, long now, boolean full) {
    if (full && now - lastFullSweep < FULL_SWEEP_SPACING_NANOS) {
      return false;
    }
    if (!sweeping.compareAndSet(false, true)) {
      return false;
    }
    try {
      if (full) {
        // Checked again under the flag: another thread may have just ended a forced sweep.
        if (now - lastFullSweep < FULL_SWEEP_SPACING_NANOS) {
          return false;
        }
        lastFullSweep = now;
      }
      sweeps.increment();
      for (Map.Entry<String, Cell> e : cells.entrySet()) {
        Cell c = e.getValue();
        long tat = c.tat;
        if (tat != EVICTED && tat - now <= 0 && c.casTat(tat, EVICTED)) {
          if (cells.remove(e.getKey(), c)) {
            keys.decrementAndGet();
          }
          evicted.increment();
        }
      }
      // Space sweeps so that each costs at most one cell visit per key added since the last.
      long left = keys.get();
      sweepAt = (int) Math.min(config.maxKeys(), Math.max(config.cleanupThreshold(), 2 * left));
      return true;
    } finally {
      sweeping.set(false);
    }
  }

  @Override
  public long keyCount() {
    return keys.get();
  }

  /**
   * Returns how many idle keys were evicted so far.
   *
   * @return the count
   */
  public long evictedKeys() {
    return evicted.sum();
  }

  /**
   * Returns how many new keys were refused because the table was full.
   *
   * @return the count
   */
  public long refusedKeys() {
    return refusedKeys.sum();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "memory");
    m.put("keys", keyCount());
    m.put("evictedKeys", evicted.sum());
    m.put("refusedKeys", refusedKeys.sum());
    m.put("sweeps", sweeps.sum());
    return m;
  }

  @Override
  public void release(String key, int permits, RateLimitConfig config) {
    Cell cell = cells.get(key);
    if (cell == null) {
      return;
    }
    long cost = (long) permits * config.emissionIntervalNanos();
    for (; ; ) {
      long tat = cell.tat;
      if (tat == EVICTED || cell.casTat(tat, tat - cost)) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "InMemoryRateLimiterStore[keys=" + keyCount() + "]";
  }

  /** One key's state. */
  static final class Cell {
    private static final VarHandle TAT;

    static {
      try {
        TAT = MethodHandles.lookup().findVarHandle(Cell.class, "tat", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    // The theoretical arrival time in nanoseconds since the store's origin, or EVICTED; changed
    // only by CAS.
    volatile long tat;

    Cell(long tat) {
      this.tat = tat;
    }

    Cell start(long time) {
      this.tat = time;
      return this;
    }

    boolean casTat(long expect, long update) {
      return TAT.compareAndSet(this, expect, update);
    }
  }
}
