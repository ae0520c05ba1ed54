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
 * no slot of its own or free among the few it probes adds to a {@link LongAdder}, after reading the
 * slots' owner ids (a line nobody writes once the slots are taken), so a counter bumped by many
 * threads costs a little more than a {@code LongAdder}. Slots are never given back: the counts of
 * threads that ended stay in the sum, and threads that start later (a pool that was replaced,
 * virtual threads) use the {@code LongAdder}. A slot is keyed by thread id; HotSpot never reuses
 * one (the Java 17 specification allows reuse after a thread ended, in which case the new thread
 * would continue the old one's count).
 *
 * <p>{@link #sum()} is a moving total, like {@link LongAdder#sum()}: exact when no thread is
 * adding.
 *
 * <p>This class is thread-safe.
 */
public final class OwnedCounter {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  // Longs per count: 128 bytes, so that no two owners share a cache line, nor a pair of lines
  // (some CPUs fetch lines in pairs).
  private static final int STRIDE = 16;

  private final ThreadSlots slots;
  // counts[(i + 1) * STRIDE]: slot i's count, written by its owner only (the first stride is left
  // empty: it would share lines with the array's header and its neighbours).
  private final long[] counts;
  private final LongAdder others = new LongAdder();

  /**
   * Creates a counter with slots for twice the power of two at or above the CPU count, up to 64.
   */
  public OwnedCounter() {
    this(Math.min(64, ThreadSlots.forCpus(Runtime.getRuntime().availableProcessors())));
  }

  /**
   * Creates a counter.
   *
   * @param slotCount the number of threads that may own a slot; a power of two in [1, 1024]
   */
  public OwnedCounter(int slotCount) {
    this.slots = new ThreadSlots(slotCount);
    this.counts = new long[(slotCount + 1) * STRIDE];
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
    int home = ThreadSlots.home(thread);
    int i = slots.find(home, thread);
    if (i < 0 && (i = slots.claim(home, thread, 0)) < 0) {
      others.add(x);
      return;
    }
    addOwned(i, x);
  }

  private void addOwned(int slot, long x) {
    int at = (slot + 1) * STRIDE;
    // The owner is the count's only writer: a plain read and an opaque (untorn) store suffice.
    LONGS.setOpaque(counts, at, counts[at] + x);
  }

  /**
   * Returns the total.
   *
   * @return the sum of all slots and of the shared adder
   */
  public long sum() {
    long sum = others.sum();
    for (int at = STRIDE; at < counts.length; at += STRIDE) {
      sum += (long) LONGS.getOpaque(counts, at);
    }
    return sum;
  }

  @Override
  public String toString() {
    return Long.toString(sum());
  }
}
