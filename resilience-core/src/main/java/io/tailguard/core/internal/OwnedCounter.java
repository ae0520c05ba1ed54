package io.tailguard.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter for counts bumped on every request (permits granted), that threads add to without an
 * atomic instruction.
 *
 * <p>The first threads to add each claim a slot of their own, on its own cache lines, and add to it
 * with a plain store: only the owner ever writes a slot, so no update is lost. A thread that finds
 * no free slot near its hash adds to a {@link LongAdder}, so a counter bumped by many threads costs
 * what a {@code LongAdder} costs. Slots are never given back: a thread id is never reused, and the
 * counts of threads that ended stay in the sum.
 *
 * <p>{@link #sum()} is a moving total, like {@link LongAdder#sum()}: exact when no thread is
 * adding.
 *
 * <p>This class is thread-safe.
 */
public final class OwnedCounter {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  // Longs per slot: 128 bytes, so that no two owners share a cache line, nor a pair of lines
  // (some CPUs fetch lines in pairs). A slot holds its owner's thread id, 0 if free, and its count.
  private static final int STRIDE = 16;
  private static final int PROBES = 4;

  private final long[] slots;
  private final int mask;
  private final LongAdder others = new LongAdder();

  /**
   * Creates a counter with slots for twice the power of two at or above the CPU count, up to 64.
   */
  public OwnedCounter() {
    this(Math.min(64, 2 * Integer.highestOneBit(2 * cpus() - 1)));
  }

  /**
   * Creates a counter.
   *
   * @param slotCount the number of threads that may own a slot; a power of two in [1, 1024]
   */
  public OwnedCounter(int slotCount) {
    if (slotCount < 1 || slotCount > 1024 || Integer.bitCount(slotCount) != 1) {
      throw new IllegalArgumentException(
          "slotCount must be a power of two in [1, 1024], was " + slotCount);
    }
    this.slots = new long[(slotCount + 1) * STRIDE];
    this.mask = slotCount - 1;
  }

  private static int cpus() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** Adds one. */
  public void increment() {
    add(1);
  }

  /** Subtracts one. */
  public void decrement() {
    add(-1);
  }

  /**
   * Adds {@code x}.
   *
   * @param x the amount, may be negative
   */
  public void add(long x) {
    long thread = Thread.currentThread().getId();
    int home = (int) ((thread * 0x9E3779B97F4A7C15L) >>> 32);
    for (int probe = 0; probe < PROBES; probe++) {
      // Slot 0 is left empty: it would share lines with the array's header and neighbours.
      int at = (((home + probe) & mask) + 1) * STRIDE;
      long owner = (long) LONGS.getOpaque(slots, at);
      if (owner == 0 && LONGS.compareAndSet(slots, at, 0L, thread)) {
        owner = thread;
      }
      if (owner == thread) {
        // The owner is the slot's only writer: a plain read and an opaque (untorn) store suffice.
        LONGS.setOpaque(slots, at + 1, slots[at + 1] + x);
        return;
      }
    }
    others.add(x);
  }

  /**
   * Returns the total.
   *
   * @return the sum of all slots and of the shared adder
   */
  public long sum() {
    long sum = others.sum();
    for (int at = STRIDE; at < slots.length; at += STRIDE) {
      sum += (long) LONGS.getOpaque(slots, at + 1);
    }
    return sum;
  }

  @Override
  public String toString() {
    return Long.toString(sum());
  }
}
