package io.tailguard.core.internal.window;

import io.tailguard.core.internal.ThreadSlots;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a circuit breaker counts call outcomes: lifetime totals and the buckets of its {@link
 * RollingWindow}s, striped over a few stripes so that recording threads do not share a cache line.
 * Recording a call costs one compare-and-set, on a stripe no other running thread uses in the
 * steady state, whatever it updates (lifetime total, bucket count, failures, slow calls, latency
 * sum and sum of squares).
 *
 * <p>One instance serves every window of one breaker, so the lifetime totals survive the windows;
 * {@link RollingWindow}'s standalone constructor makes a private one.
 *
 * <p>This class is thread-safe. Each stripe is a small lock held for a few plain stores. {@link
 * #record} never waits for a held stripe unless every stripe is held at the same instant; {@link
 * #recordOnce} and {@link #claim} wait while another thread holds the one stripe they name (a
 * recorder, or a reader whose optimistic reads kept failing); readers never wait for long, since
 * they fall back to the lock after a few tries.
 */
public final class OutcomeCells {

  /*
   * Concurrency.
   *
   * A Stripe is a tiny sequence lock (after the Linux kernel's seqlock [1] and StampedLock's
   * optimistic reads) around plain fields. `seq` is even while the stripe is free and odd while a
   * recorder holds it; a recorder takes it by CAS from an even value, writes the fields with plain
   * stores, and frees it with a release store of seq + 2. Only the holder writes a stripe's other
   * fields, and the holder runs a few plain stores and no calls before it frees it.
   *
   * A thread's stripe is picked by hashing its id with `salt`, so running threads mostly stay on
   * stripes of their own and a stripe's cache line stays with one core. A recorder that finds its
   * stripe held does not wait for it: it tries the next one. Its collision grows the table (up to
   * maxStripes, each growth keeping every stripe, so no count is lost) and, once the table is full,
   * every SALT_AFTER_COLLISIONS collisions re-draw the salt, which re-deals threads to stripes (as
   * Striped64 re-draws a thread's probe). Only when every stripe is held at once does a recorder
   * wait (spin, then yield after SPINS_BEFORE_YIELD tries).
   *
   * After taking a stripe the holder issues a StoreStore fence, as StampedLock does, so that no
   * field store becomes visible before the odd seq (free on x86, needed on weaker machines).
   *
   * recordOnce() and claim() are the exception: they decide a Claim (a breaker's call guard) on the
   * stripe the call was given when it began, under that stripe's lock, so an outcome is recorded
   * exactly once with the one CAS that records it. They wait while another thread holds that
   * stripe: a recorder for the few stores of one record (longer only if it is descheduled inside
   * them, hence the yield), or a reader that fell back to locking. The claim flag is set after the
   * record is made (add() allocates before it changes anything), with a release store so that
   * isClaimed() outside the lock sees it promptly.
   *
   * Readers (snapshots, totals) never make recorders wait in the common case. They read a stripe's
   * seq (acquire), the fields (plain), then seq again after an acquire fence, and keep the values
   * only if seq was even and unchanged; after OPTIMISTIC_READS failed tries they take the stripe's
   * lock like a recorder (recorders then move to another stripe, claims wait for it), so a reader
   * always finishes.
   *
   * `maxStripes` bounds the table by the ring size of the newest window (RING_BUDGET_BYTES), so a
   * breaker with a window of many buckets stays on few stripes; records without a window obey the
   * same bound.
   *
   * Each stripe keeps a full ring of buckets for one window, its `owner`. Windows are numbered from
   * `serials` when created; a recorder of a newer window takes a stripe over (clearing its ring), a
   * recorder of an older window than the stripe's owner counts only the lifetime totals, since its
   * window is no longer live. A breaker installs its windows in creation order (each is created
   * after the window it replaces was read, and installed by CAS from it), so a late recorder of a
   * replaced window never clears the buckets of the live one.
   *
   * Within a ring, a bucket is reset in place by the holder that first records an epoch newer than
   * the one its slot holds. Everything of a record is written under one lock, so no increment is
   * lost across a rollover and a reader never sees half a record.
   *
   * [1] Lameter, "Effective synchronization on Linux/NUMA systems", Gelato 2005 (seqlocks).
   */

  /** Longs per bucket: epoch, calls, failures, slow calls, latency sum, latency-squared sum. */
  static final int STRIDE = 6;

  private static final int EPOCH = 0;
  private static final int CALLS = 1;
  private static final int FAILURES = 2;
  private static final int SLOW = 3;
  private static final int LATENCY = 4;
  private static final int SQUARES = 5;

  /** The epoch of a slot that has never held a bucket; real epochs are >= 0. */
  private static final long EMPTY = -1;

  /** Collisions on a full table between re-draws of the salt; a power of two. */
  private static final int SALT_AFTER_COLLISIONS = 64;

  /** Spins on a held stripe before a waiter yields its processor to the holder. */
  private static final int SPINS_BEFORE_YIELD = 64;

  /** Optimistic reads tried before a reader takes the cell's lock. */
  private static final int OPTIMISTIC_READS = 4;

  /** Ring bytes a breaker may spend on stripes before it stops adding cells. */
  private static final long RING_BUDGET_BYTES = 64 * 1024;

  private static final int NCPU = Runtime.getRuntime().availableProcessors();

  private static final VarHandle SEQ;
  private static final VarHandle CELLS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SEQ = lookup.findVarHandle(StripeFields.class, "seq", long.class);
      CELLS = lookup.findVarHandle(OutcomeCells.class, "cells", Stripe[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final VarHandle CLAIMED;

  static {
    try {
      CLAIMED = MethodHandles.lookup().findVarHandle(Claim.class, "claimed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // The stripes, a power-of-two table; replaced whole by CAS when it grows, never shrinks.
  private volatile Stripe[] cells = {new Stripe()};

  // Mixed into the hash of thread ids; re-drawn (plain racy write) after repeated collisions.
  private volatile long salt = ThreadLocalRandom.current().nextLong();

  // Collisions seen since the table stopped growing; a racy hint, so plain reads and writes.
  private int collisions;

  // The most stripes the newest window's ring size allows; set when a window is created.
  private volatile int maxStripes = maxCells(0);

  // Numbers windows in creation order; see the concurrency comment.
  private final AtomicLong serials = new AtomicLong();

  /** Creates cells with no calls counted. */
  public OutcomeCells() {}

  /** The stripes now; for tests. */
  Stripe[] stripes() {
    return cells;
  }

  /** Numbers a new window and sizes the stripe table for its ring (see maxCells). */
  long nextSerial(int windowSize) {
    maxStripes = maxCells(windowSize);
    return serials.incrementAndGet();
  }

  /**
   * Counts one call ended at {@code endNanos} in the lifetime totals and, when {@code window} is
   * not {@code null} and still live, in the window's bucket of that time.
   *
   * @param window the window to count it in, or {@code null} for the lifetime totals only
   * @param endNanos the clock time at which the call ended
   * @param latencyNanos how long it took
   * @param failure whether it failed
   * @param slow whether it was slow
   */
  public void record(
      RollingWindow window, long endNanos, long latencyNanos, boolean failure, boolean slow) {
    Stripe[] table = cells;
    int i = index(salt, table.length);
    Stripe cell;
    long s;
    for (int tries = 0; ; tries++, i++) {
      cell = table[i & (table.length - 1)];
      s = (long) SEQ.getOpaque(cell);
      if ((s & 1) == 0 && SEQ.compareAndSet(cell, s, s + 1)) {
        VarHandle.storeStoreFence(); // the odd seq is seen before any field store (StampedLock)
        break;
      }
      if (tries == 0) {
        collided(table);
      } else if (tries >= table.length) {
        backOff(tries - table.length); // every stripe is held at this instant
      }
    }
    long started;
    try {
      started = cell.add(window, endNanos, latencyNanos, failure, slow);
    } finally {
      SEQ.setRelease(cell, s + 2);
    }
    if (started > 0) {
      window.epochStarted(started);
    }
  }

  /**
   * Returns the stripe the calling thread records on, for {@link #recordOnce}.
   *
   * @return the stripe
   */
  public Stripe stripe() {
    Stripe[] table = cells;
    return table[index(salt, table.length)];
  }

  /**
   * Records one call as {@link #record} does, unless {@code claim} was claimed before, and claims
   * it. Two threads reporting the same claim on the same stripe are serialised by the stripe's
   * lock, so exactly one of them records.
   *
   * @param stripe the stripe {@link #stripe()} gave when the call began
   * @param claim the call's claim
   * @param window the window to count it in, or {@code null} for the lifetime totals only
   * @param endNanos the clock time at which the call ended
   * @param latencyNanos how long it took
   * @param failure whether it failed
   * @param slow whether it was slow
   * @return {@code true} if this call claimed and recorded, {@code false} if already claimed
   */
  public boolean recordOnce(
      Stripe stripe,
      Claim claim,
      RollingWindow window,
      long endNanos,
      long latencyNanos,
      boolean failure,
      boolean slow) {
    long s = lockStripe(stripe, window);
    long started;
    try {
      if (claim.claimed != 0) {
        return false;
      }
      // add() changes nothing if it throws, so the claim is set only once the record is made
      started = stripe.add(window, endNanos, latencyNanos, failure, slow);
      CLAIMED.setRelease(claim, 1);
    } finally {
      SEQ.setRelease(stripe, s + 2);
    }
    if (started > 0) {
      window.epochStarted(started);
    }
    return true;
  }

  /**
   * Claims {@code claim} without recording anything, for an outcome that is counted elsewhere or
   * not at all.
   *
   * @param stripe the stripe {@link #stripe()} gave when the call began
   * @param claim the call's claim
   * @return {@code true} if this call claimed it, {@code false} if it was claimed before
   */
  public boolean claim(Stripe stripe, Claim claim) {
    long s = lockStripe(stripe, null);
    try {
      if (claim.claimed != 0) {
        return false;
      }
      CLAIMED.setRelease(claim, 1);
      return true;
    } finally {
      SEQ.setRelease(stripe, s + 2);
    }
  }

  /** Takes a given stripe's lock, waiting while another recorder holds it; returns the seq. */
  private long lockStripe(Stripe stripe, RollingWindow window) {
    for (int spins = 0; ; spins++) {
      long s = (long) SEQ.getOpaque(stripe);
      if ((s & 1) == 0 && SEQ.compareAndSet(stripe, s, s + 1)) {
        VarHandle.storeStoreFence(); // the odd seq is seen before any field store (StampedLock)
        return s;
      }
      if (spins == 0) {
        collided(cells);
      }
      backOff(spins);
    }
  }

  /**
   * Waits a moment for a held stripe: a spin hint, and after {@link #SPINS_BEFORE_YIELD} tries a
   * yield, in case the holder was descheduled inside its few stores.
   */
  private static void backOff(int spins) {
    if (spins < SPINS_BEFORE_YIELD) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
  }

  private static int index(long salt, int length) {
    long h = (Thread.currentThread().getId() ^ salt) * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & (length - 1);
  }

  /**
   * Two recorders met on one stripe: grow the table, or once it is full and collisions go on,
   * re-draw the salt so that running threads land on other stripes.
   */
  void collided(Stripe[] table) {
    if (table.length < maxStripes) {
      grow(table);
    } else if ((++collisions & (SALT_AFTER_COLLISIONS - 1)) == 0) {
      salt = ThreadLocalRandom.current().nextLong();
    }
  }

  /** Doubles the table unless someone else did. */
  private void grow(Stripe[] table) {
    int n = table.length;
    Stripe[] bigger = Arrays.copyOf(table, n << 1);
    for (int i = n; i < bigger.length; i++) {
      bigger[i] = new Stripe();
    }
    CELLS.compareAndSet(this, table, bigger); // a lost race means someone else grew it
  }

  /**
   * The most stripes a breaker may have: twice the power of two at or above the processor count,
   * halved while their rings of {@code windowSize} buckets would take more than the ring budget.
   */
  static int maxCells(int windowSize) {
    int max = ThreadSlots.forCpus(NCPU);
    long ringBytes = (long) windowSize * STRIDE * Long.BYTES;
    while (max > 1 && max * ringBytes > RING_BUDGET_BYTES) {
      max >>= 1;
    }
    return max;
  }

  /**
   * Returns the calls counted that succeeded and were not slow.
   *
   * @return the lifetime count
   */
  public long successfulCalls() {
    return totals()[0];
  }

  /**
   * Returns the calls counted as failed.
   *
   * @return the lifetime count
   */
  public long failedCalls() {
    return totals()[1];
  }

  /**
   * Returns the calls counted that succeeded but were slow.
   *
   * @return the lifetime count
   */
  public long slowCalls() {
    return totals()[2];
  }

  /**
   * Returns the lifetime totals in one pass: successful (not slow), failed, slow successful.
   *
   * @return a new array of three counts
   */
  public long[] totals() {
    long[] sums = new long[3];
    for (Stripe cell : cells) {
      long ok;
      long failed;
      long slow;
      long s = beginRead(cell);
      for (int tries = 0; ; tries++) {
        ok = cell.successful;
        failed = cell.failed;
        slow = cell.slow;
        if (validate(cell, s)) {
          break;
        }
        s = tries < OPTIMISTIC_READS ? beginRead(cell) : lock(cell);
      }
      sums[0] += ok;
      sums[1] += failed;
      sums[2] += slow;
    }
    return sums;
  }

  /**
   * Adds the buckets of {@code window} that are live at {@code nowEpoch} into {@code acc} and
   * {@code squares}, by age in buckets: {@code acc[age * 4 + k]} for k = calls, failures, slow
   * calls, latency sum; {@code squares[age]} the sum of squared latencies in milliseconds.
   */
  void collect(RollingWindow window, long nowEpoch, long[] acc, double[] squares) {
    int size = window.size();
    long[] mine = new long[acc.length];
    double[] mySquares = new double[squares.length];
    for (Stripe cell : cells) {
      long s = beginRead(cell);
      for (int tries = 0; ; tries++) {
        Arrays.fill(mine, 0);
        Arrays.fill(mySquares, 0);
        long[] ring = cell.ring;
        if (cell.owner == window && ring != null) {
          for (int base = 0; base + STRIDE <= ring.length; base += STRIDE) {
            long epoch = ring[base + EPOCH];
            long age = nowEpoch - epoch;
            if (epoch == EMPTY || age < 0 || age >= size) {
              continue;
            }
            int a = (int) age * 4;
            mine[a] += ring[base + CALLS];
            mine[a + 1] += ring[base + FAILURES];
            mine[a + 2] += ring[base + SLOW];
            mine[a + 3] += ring[base + LATENCY];
            mySquares[(int) age] += Double.longBitsToDouble(ring[base + SQUARES]);
          }
        }
        if (validate(cell, s)) {
          break;
        }
        s = tries < OPTIMISTIC_READS ? beginRead(cell) : lock(cell);
      }
      for (int i = 0; i < acc.length; i++) {
        acc[i] += mine[i];
      }
      for (int i = 0; i < squares.length; i++) {
        squares[i] += mySquares[i];
      }
    }
  }

  /** Returns {calls, failures} of {@code window}'s bucket of {@code epoch}, across cells. */
  long[] bucket(RollingWindow window, long epoch) {
    long calls = 0;
    long failures = 0;
    for (Stripe cell : cells) {
      long c;
      long f;
      long s = beginRead(cell);
      for (int tries = 0; ; tries++) {
        c = 0;
        f = 0;
        long[] ring = cell.ring;
        if (cell.owner == window && ring != null && ring.length >= STRIDE) {
          int base = (int) Math.floorMod(epoch, (long) (ring.length / STRIDE)) * STRIDE;
          if (ring[base + EPOCH] == epoch) {
            c = ring[base + CALLS];
            f = ring[base + FAILURES];
          }
        }
        if (validate(cell, s)) {
          break;
        }
        s = tries < OPTIMISTIC_READS ? beginRead(cell) : lock(cell);
      }
      calls += c;
      failures += f;
    }
    return new long[] {calls, failures};
  }

  /** Waits for an even seq and returns it, for an optimistic read. */
  private static long beginRead(Stripe cell) {
    for (; ; ) {
      long s = (long) SEQ.getAcquire(cell);
      if ((s & 1) == 0) {
        return s;
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Takes the cell's lock for a reader and returns a seq that {@link #validate} accepts once, after
   * which the lock is released.
   */
  private static long lock(Stripe cell) {
    for (int spins = 0; ; spins++) {
      long s = (long) SEQ.getOpaque(cell);
      if ((s & 1) == 0 && SEQ.compareAndSet(cell, s, s + 1)) {
        return -(s + 1) - 1; // marks a locked read: negative
      }
      backOff(spins);
    }
  }

  /**
   * Returns whether the fields read since {@code s} are a consistent picture. A locked read always
   * is, and releases the lock.
   */
  private static boolean validate(Stripe cell, long s) {
    if (s < 0) {
      long held = -s - 1;
      SEQ.setRelease(cell, held + 1); // no change: a reader's hold moves seq by 2 like a write
      return true;
    }
    VarHandle.acquireFence(); // the field reads above happen before the re-read of seq
    return (long) SEQ.getOpaque(cell) == s;
  }

  /**
   * An outcome to be reported at most once, such as a circuit breaker's call guard: the first
   * {@link #recordOnce} or {@link #claim} for it wins. Its flag is guarded by the lock of the
   * stripe it is claimed on, so every claim of one instance must name the same stripe.
   */
  public abstract static class Claim {
    // 0 until claimed, then 1; written under the stripe's lock, read racily by isClaimed().
    int claimed;

    /** Creates an unclaimed claim. */
    protected Claim() {}

    /**
     * Returns whether this has been claimed; without the stripe's lock, so possibly a moment late.
     *
     * @return {@code true} once claimed
     */
    protected final boolean isClaimed() {
      return (int) CLAIMED.getAcquire(this) != 0;
    }
  }

  /** 120 bytes that keep the fields of a cell off the cache line of whatever precedes it. */
  @SuppressWarnings("unused")
  abstract static class PadBefore {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
  }

  /** A cell's fields; every field but {@code seq} is written only by the holder of the cell. */
  abstract static class StripeFields extends PadBefore {
    // Even when free, odd while held; see the concurrency comment. Accessed through SEQ.
    volatile long seq;
    long successful;
    long failed;
    long slow;
    // The window whose buckets `ring` holds, its serial, and the ring: STRIDE longs per bucket.
    RollingWindow owner;
    long ownerSerial;
    long[] ring;
    // The bucket the last record landed in, so most records need no division.
    long currentEpoch = EMPTY;
    long currentStart;
    int currentBase;
  }

  /**
   * One stripe of counts. A caller gets the calling thread's stripe from {@link #stripe()} and
   * hands it back to {@link #recordOnce}; it has no public members.
   */
  @SuppressWarnings("unused")
  public static final class Stripe extends StripeFields {
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    /**
     * Counts one call; the caller holds this cell. Returns the epoch of a bucket this record
     * started (a new newest bucket of this cell, above 0), or 0. The common case (a live window,
     * the bucket of the last record) is kept small so that the JIT inlines it into the call path.
     */
    long add(
        RollingWindow window, long endNanos, long latencyNanos, boolean failure, boolean slow) {
      if (window != null && owner == window && currentEpoch != EMPTY) {
        long offset = endNanos - currentStart;
        if (offset >= 0 && offset < window.bucketNanos()) {
          countLifetime(failure, slow);
          count(ring, currentBase, latencyNanos, failure, slow);
          return 0;
        }
      }
      return addSlow(window, endNanos, latencyNanos, failure, slow);
    }

    private void countLifetime(boolean failure, boolean slow) {
      if (failure) {
        this.failed++;
      } else if (slow) {
        this.slow++;
      } else {
        this.successful++;
      }
    }

    private static void count(
        long[] r, int base, long latencyNanos, boolean failure, boolean slow) {
      r[base + CALLS]++;
      if (failure) {
        r[base + FAILURES]++;
      }
      if (slow) {
        r[base + SLOW]++;
      }
      r[base + LATENCY] += latencyNanos;
      double millis = latencyNanos * 1e-6;
      r[base + SQUARES] =
          Double.doubleToRawLongBits(Double.longBitsToDouble(r[base + SQUARES]) + millis * millis);
    }

    /** add() for a record without a window, a window change or a bucket change. */
    private long addSlow(
        RollingWindow window, long endNanos, long latencyNanos, boolean failure, boolean slow) {
      // the only allocation comes first, so that a failure to allocate leaves no partial record
      long[] r = window == null || owner == window ? ring : ringFor(window);
      countLifetime(failure, slow);
      if (window == null) {
        return 0;
      }
      if (owner != window) {
        if (owner != null && ownerSerial > window.serial()) {
          return 0; // a window replaced by the one this cell serves: no longer live
        }
        takeOver(window, r);
      }
      long started = 0;
      int base;
      long offset = endNanos - currentStart;
      if (currentEpoch != EMPTY && offset >= 0 && offset < window.bucketNanos()) {
        base = currentBase;
      } else {
        long epoch =
            Math.max(0, Math.floorDiv(endNanos - window.originNanos(), window.bucketNanos()));
        int size = window.size();
        base = (int) (epoch % size) * STRIDE;
        if (epoch > currentEpoch) {
          resetSlot(r, base, epoch);
          currentEpoch = epoch;
          currentStart = window.originNanos() + epoch * window.bucketNanos();
          currentBase = base;
          started = epoch;
        } else if (currentEpoch - epoch >= size || r[base + EPOCH] > epoch) {
          return 0; // ended before the oldest live bucket: already expired
        } else if (r[base + EPOCH] != epoch) {
          resetSlot(r, base, epoch); // the slot held a bucket at least a window older
        }
      }
      count(r, base, latencyNanos, failure, slow);
      return started;
    }

    /** The ring a take-over by {@code window} would use: this one if it has the right size. */
    private long[] ringFor(RollingWindow window) {
      long[] r = ring;
      int length = window.size() * STRIDE;
      return r != null && r.length == length ? r : new long[length];
    }

    private void takeOver(RollingWindow window, long[] r) {
      for (int base = 0; base < r.length; base += STRIDE) {
        resetSlot(r, base, EMPTY);
      }
      ring = r;
      owner = window;
      ownerSerial = window.serial();
      currentEpoch = EMPTY;
      currentStart = 0;
      currentBase = 0;
    }

    private static void resetSlot(long[] r, int base, long epoch) {
      r[base + EPOCH] = epoch;
      r[base + CALLS] = 0;
      r[base + FAILURES] = 0;
      r[base + SLOW] = 0;
      r[base + LATENCY] = 0;
      r[base + SQUARES] = 0; // the bits of 0.0
    }
  }
}
