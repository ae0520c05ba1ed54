package io.tailguard.core.ratelimit;

import io.tailguard.core.internal.ThreadSlots;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * <p><b>Leases on a contended key.</b> Threads that share one key pay for it on every permit: each
 * compare-and-set moves the key's cache line between their cores (about 100 ns). Once a key has
 * lost two compare-and-sets to other threads it gets a small table of per-thread leases, used by
 * {@link #acquire} of one permit without waiting: a thread that keeps asking takes its permits in
 * batches, debiting a batch from the TAT with one compare-and-set and handing the batch's permits
 * to itself, without writing shared memory, for at most 50 microseconds. The next batch is what the
 * thread used of its last one, at the pace it used it, over half that time, at most twice the last
 * (up to 256 permits, and at most {@code capacity / (16 * slots)}), so a steady caller settles on a
 * batch it uses up with time to spare, and a thread that asks less often than every 25 microseconds
 * keeps taking one permit and wastes nothing. The guarantee is unchanged: a lease's first permit is
 * charged as now and the others as if taken at the lease's end, never before they are handed out,
 * so over any interval of length {@code t} a key is still granted at most {@code capacity + t /
 * interval} permits. What a lease costs: permits leased and not handed out in time are lost (at
 * most a batch less one, after which the thread's next batch fits what it used); a lease taken on a
 * key that is almost idle is charged from its end even if used up sooner, which costs up to {@code
 * 50 µs / interval} permits of the burst when the interval is shorter than that; and a key is
 * leased only while at most half of its burst is spent, so near its limit a contended key is the
 * plain algorithm but for permits still held in leases, for at most 50 microseconds. A thread that
 * finds every slot it probes taken by others, a request for more than one permit, a waiting request
 * and {@link #decide} use the plain algorithm.
 *
 * <p>This class is thread-safe and lock-free on its request path.
 */
public final class InMemoryRateLimiterStore implements RateLimiterStore {

  // A cell's TAT after a sweep removed it; a request that finds it looks the key up again.
  private static final long EVICTED = Long.MIN_VALUE;
  private static final long FULL_SWEEP_SPACING_NANOS = Duration.ofSeconds(1).toNanos();

  /** How long a leased permit may be handed out after its lease was taken. */
  static final int LEASE_MICROS = 50;

  private static final long LEASE_NANOS = TimeUnit.MICROSECONDS.toNanos(LEASE_MICROS);

  /** The largest lease, in permits. */
  static final int MAX_LEASE = 256;

  // A slot whose lease ended this long ago belongs to a thread that stopped asking; another thread
  // may take it over.
  private static final long STALE_LEASE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  // A cell's lease table until it lost a second compare-and-set: one lost race makes no hot key.
  private static final LeaseTable CONTENDED = new LeaseTable(1);
  // What acquire's fast path returns when it did not lease; never a valid result there.
  private static final long NO_LEASE = Long.MAX_VALUE;

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
  private final LongAdder leasedKeys = new LongAdder();
  // Slots per lease table: twice the power of two at or above the CPU count, at most 64.
  private final int leaseSlots;

  /**
   * Creates a store.
   *
   * @param clock the clock requests are timed by
   */
  public InMemoryRateLimiterStore(Clock clock) {
    this(clock, leaseSlotsFor(Runtime.getRuntime().availableProcessors()));
  }

  InMemoryRateLimiterStore(Clock clock, int leaseSlots) {
    if (leaseSlots < 1 || leaseSlots > 64 || Integer.bitCount(leaseSlots) != 1) {
      throw new IllegalArgumentException(
          "leaseSlots must be a power of two in [1, 64], was " + leaseSlots);
    }
    this.leaseSlots = leaseSlots;
    this.clock = Validate.notNull("clock", clock);
    this.origin = clock.nanoTime();
    this.lastFullSweep = -FULL_SWEEP_SPACING_NANOS;
  }

  static int leaseSlotsFor(int cpus) {
    return Math.min(64, ThreadSlots.forCpus(cpus));
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
    long r = take(key, permits, maxWaitNanos, config, clockTime(), true);
    return r > 0 ? Math.max(0, r - config.burstNanos()) : r;
  }

  @Override
  public RateLimitDecision decide(String key, int permits, RateLimitConfig config) {
    long r = take(key, permits, 0, config, clockTime(), false);
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
   * fit) when refused because that excess is above {@code maxWait}, or {@link #KEY_LIMIT}. With
   * {@code mayLease}, a single permit without waiting may come from a lease: then it returns a
   * value in {@code (0, burst]}, which is not the TAT's distance.
   *
   * <p>This is the common case, a known key and an uncontended compare-and-set, kept small so that
   * it inlines into its caller; a new key, an evicted cell or a lost race go to {@link #takeSlow}.
   */
  private long take(
      String key,
      int permits,
      long maxWaitNanos,
      RateLimitConfig config,
      long now,
      boolean mayLease) {
    Cell cell = cells.get(key);
    if (cell != null) {
      boolean lease = mayLease && permits == 1 && maxWaitNanos == 0;
      LeaseTable table = cell.leases;
      if (lease && table != null && table != CONTENDED) {
        long r = leased(cell, table, config, now);
        if (r != NO_LEASE) {
          return r;
        }
      }
      long tat = cell.tat;
      long cost = (long) permits * config.emissionIntervalNanos();
      long base = tat - now < 0 ? now : tat;
      long ahead = base + cost - now;
      long excess = ahead - config.burstNanos();
      if (tat != EVICTED) {
        if (excess > maxWaitNanos) {
          return -excess;
        }
        if (cell.casTat(tat, base + cost)) {
          return ahead;
        }
        if (lease) {
          contended(cell, config);
        }
      }
    }
    return takeSlow(key, permits, maxWaitNanos, config, now);
  }

  /**
   * One permit for the calling thread from its lease on {@code cell}, or a new lease; {@link
   * #NO_LEASE} if the thread has no slot in the table (then the plain algorithm decides) or the
   * cell was evicted.
   */
  private long leased(Cell cell, LeaseTable table, RateLimitConfig config, long now) {
    Thread me = Thread.currentThread();
    long thread = me.getId();
    int home = ThreadSlots.home(thread);
    int slot = table.find(home, thread);
    if (slot < 0) {
      slot = table.claim(home, thread, now);
      if (slot < 0) {
        return NO_LEASE;
      }
    }
    Lease l = table.lease(slot);
    if (l == null || l.owner != me) {
      // A thread that lost the slot to us installed its lease after ours: never use another
      // thread's lease (its fields are that thread's alone); start a fresh one.
      l = table.install(slot, me, now);
    }
    if (l.credits > 0 && now - l.end < 0) {
      l.credits--;
      return 1;
    }
    return renew(cell, table, slot, l, config, now);
  }

  /**
   * Takes the calling thread's next lease on {@code cell}, {@code l} being its previous one, and
   * grants the first of its permits; answers as {@link #take} does.
   */
  private long renew(
      Cell cell, LeaseTable table, int slot, Lease l, RateLimitConfig config, long now) {
    long interval = config.emissionIntervalNanos();
    long burst = config.burstNanos();
    int size = nextLeaseSize(l, now, maxLease(config));
    for (; ; ) {
      long tat = cell.tat;
      if (tat == EVICTED) {
        return NO_LEASE;
      }
      long base = tat - now < 0 ? now : tat;
      long next = base + interval;
      int n = size;
      if (n > 1) {
        // The first permit is handed out now; the others may be handed out until the lease ends,
        // so they are charged as if taken then: from no earlier than the lease's end.
        long leased = Math.max(next, now + LEASE_NANOS) + (n - 1) * interval;
        if (leased - now <= burst / 2) {
          next = leased;
        } else {
          n = 1;
        }
      }
      long ahead = next - now;
      if (ahead > burst) {
        return burst - ahead;
      }
      if (cell.casTat(tat, next)) {
        long end = now + LEASE_NANOS;
        l.size = n;
        l.credits = n - 1;
        l.end = end;
        table.ended(slot, end);
        return ahead;
      }
    }
  }

  /**
   * The size of a thread's next lease: what it used of its last one at the pace it used it, over
   * half a lease's time, so a steady caller uses its lease up with time to spare and wastes
   * nothing; at most twice the last, so a burst of calls does not take a large lease at once.
   */
  static int nextLeaseSize(Lease l, long now, int max) {
    if (l.size == 0) {
      return 1;
    }
    boolean live = now - l.end < 0;
    // A live lease is renewed only once used up; one that ended shows what its thread could use.
    long used = live ? l.size : l.size - l.credits;
    long took = live ? now - (l.end - LEASE_NANOS) : LEASE_NANOS;
    long size = 2L * l.size;
    if (took > 0) {
      size = Math.min(size, used * LEASE_NANOS / (2 * took));
    }
    return (int) Math.max(1, Math.min(size, max));
  }

  /** The largest lease for {@code config}: leases hold at most 1/16 of the capacity in all. */
  private int maxLease(RateLimitConfig config) {
    return Math.min(MAX_LEASE, config.capacity() / (16 * leaseSlots));
  }

  /** Called when a request for one permit lost a compare-and-set on {@code cell}. */
  private void contended(Cell cell, RateLimitConfig config) {
    LeaseTable table = cell.leases;
    if (table == null) {
      cell.casLeases(null, CONTENDED);
    } else if (table == CONTENDED
        && maxLease(config) > 1
        && cell.casLeases(CONTENDED, new LeaseTable(leaseSlots))) {
      leasedKeys.increment();
    }
  }

  /** Makes {@code key} contended now, as two lost races would; for tests. */
  void contend(String key, RateLimitConfig config) {
    Cell cell = cells.get(key);
    if (cell == null) {
      throw new IllegalStateException("key '" + key + "' is not tracked");
    }
    contended(cell, config);
    contended(cell, config);
  }

  private long takeSlow(
      String key, int permits, long maxWaitNanos, RateLimitConfig config, long now) {
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

  /**
   * Rescales every key's lead over the clock by the ratio of the new window to the old, one CAS per
   * key, so each key keeps the share of its allowance it has used. A request racing with this on
   * the same key may be charged once under the old settings; a key idle at full capacity is left as
   * it is.
   */
  @Override
  public void reconfigured(RateLimitConfig previous, RateLimitConfig next) {
    long from = previous.burstNanos();
    long to = next.burstNanos();
    if (from == to) {
      return;
    }
    double scale = (double) to / from;
    long now = clockTime();
    for (Cell cell : cells.values()) {
      for (; ; ) {
        long tat = cell.tat;
        if (tat == EVICTED || tat - now <= 0) {
          break;
        }
        if (cell.casTat(tat, now + Math.round((tat - now) * scale))) {
          break;
        }
      }
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
    m.put("leasedKeys", leasedKeys.sum());
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

  /**
   * A contended key's leases, one slot per thread ({@link ThreadSlots}). Lease ends are kept apart
   * from the leases themselves, so a thread looking for a slot to take over reads lines that change
   * only when a lease is renewed, never on each permit. A slot whose lease ended more than {@code
   * STALE_LEASE_NANOS} ago (its thread stopped asking, or is being refused) may be taken over; the
   * new owner installs a lease of its own, and a lease is only ever used by the thread that made
   * it.
   */
  static final class LeaseTable extends ThreadSlots {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle LEASES = MethodHandles.arrayElementVarHandle(Lease[].class);

    // ends[i]: when slot i's lease ends, written by its owner (opaque) on each renewal, read by
    // threads looking for a slot to take over. Advisory: a stale value only delays or hastens a
    // take-over, which is safe either way.
    private final long[] ends;
    // leases[i]: slot i's lease, installed (release) by the thread that owns the slot.
    private final Lease[] leases;

    LeaseTable(int slots) {
      super(slots);
      ends = new long[slots];
      leases = new Lease[slots];
    }

    @Override
    protected boolean reclaimable(int i, long now) {
      return now - (long) LONGS.getOpaque(ends, i) > STALE_LEASE_NANOS;
    }

    /** Installs a fresh lease of {@code owner}, which owns slot {@code i}. */
    Lease install(int i, Thread owner, long now) {
      Lease l = new Lease(owner, now);
      LONGS.setOpaque(ends, i, now);
      LEASES.setRelease(leases, i, l);
      return l;
    }

    /** Slot {@code i}'s lease; read by the slot's owner, which installed it. */
    Lease lease(int i) {
      return (Lease) LEASES.getAcquire(leases, i);
    }

    void ended(int i, long end) {
      LONGS.setOpaque(ends, i, end);
    }
  }

  /** Padding before a lease's fields: leases of different threads must not share cache lines. */
  @SuppressWarnings("unused")
  abstract static class LeasePadBefore {
    // Fills the gap after the object header, where the layout would otherwise put an int of the
    // subclass (credits, written on every permit) next to whatever precedes the lease in memory.
    int p;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
  }

  /** A lease's fields, between padding (superclass fields are laid out first). */
  abstract static class LeaseFields extends LeasePadBefore {
    // The thread that made the lease, compared by identity (ids only pick slots): only that
    // thread reads or writes the fields below.
    final Thread owner;
    // When the lease's permits may no longer be handed out (time since the store's origin).
    long end;
    // Permits of the lease not handed out yet.
    int credits;
    // Permits of the lease when it was taken.
    int size;

    LeaseFields(Thread owner, long now) {
      this.owner = owner;
      this.end = now;
    }
  }

  /**
   * One thread's lease on one key; padded so that leases of different threads, which a collector
   * may copy next to each other, never share a cache line.
   */
  @SuppressWarnings("unused")
  static final class Lease extends LeaseFields {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    Lease(Thread owner, long now) {
      super(owner, now);
    }
  }

  /** One key's state. */
  static final class Cell {
    private static final VarHandle TAT;
    private static final VarHandle LEASES;

    static {
      try {
        TAT = MethodHandles.lookup().findVarHandle(Cell.class, "tat", long.class);
        LEASES = MethodHandles.lookup().findVarHandle(Cell.class, "leases", LeaseTable.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    // The theoretical arrival time in nanoseconds since the store's origin, or EVICTED; changed
    // only by CAS.
    volatile long tat;
    // Null for a key nobody contends; CONTENDED after one lost race; then the table of leases by
    // thread. Set by CAS, never taken back (the cell goes when its key is evicted). Fits in the
    // cell's alignment padding, so a cell is 24 bytes either way.
    volatile LeaseTable leases;

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

    boolean casLeases(LeaseTable expect, LeaseTable update) {
      return LEASES.compareAndSet(this, expect, update);
    }
  }
}
