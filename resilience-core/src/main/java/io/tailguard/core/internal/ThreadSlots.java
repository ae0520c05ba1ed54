package io.tailguard.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A small table of slots, each owned by one thread, for state that its owner alone writes on every
 * request (a count, a lease). A thread looks for its slot, and claims a free one, among a few slots
 * from its id's hash; a thread that finds none falls back to shared state of the caller's choosing.
 * Owner ids live in this compact array, apart from the owners' state, so a thread probing past
 * others' slots reads a line that changes only when a slot changes hands.
 *
 * <p>Slots are keyed by thread id. A subclass may let a slot be taken over ({@link #reclaimable}),
 * for example when its owner stopped using it; the state it guards must then be tied to the owning
 * thread itself, since the old owner may still be using it while the slot changes hands.
 *
 * <p>This class is thread-safe: owner ids change only by compare-and-set.
 */
public class ThreadSlots {

  /** How many slots, from its home, a thread looks at. */
  public static final int PROBES = 4;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  // owners[i]: the id of the thread owning slot i, 0 while free; changed only by CAS.
  private final long[] owners;
  private final int mask;

  /**
   * Creates a table.
   *
   * @param count the number of slots; a power of two in [1, 1024]
   */
  public ThreadSlots(int count) {
    if (count < 1 || count > 1024 || Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException(
          "slotCount must be a power of two in [1, 1024], was " + count);
    }
    this.owners = new long[count];
    this.mask = count - 1;
  }

  /**
   * Returns twice the power of two at or above {@code cpus}: enough slots that the threads running
   * at once rarely have to share.
   *
   * @param cpus the processor count
   * @return the slot count
   */
  public static int forCpus(int cpus) {
    return 2 * Integer.highestOneBit(Math.max(1, 2 * cpus - 1));
  }

  /**
   * Returns where a thread's probes start.
   *
   * @param thread the thread's id
   * @return the home; callers mask it to their table's size
   */
  public static int home(long thread) {
    return (int) ((thread * 0x9E3779B97F4A7C15L) >>> 32);
  }

  /**
   * Returns the number of slots.
   *
   * @return the count
   */
  public final int count() {
    return mask + 1;
  }

  /**
   * Returns the slot {@code thread} owns among those it probes from {@code home}.
   *
   * @param home the thread's {@link #home}
   * @param thread the thread's id
   * @return the slot, or -1
   */
  public final int find(int home, long thread) {
    for (int probe = 0; probe < PROBES; probe++) {
      int i = (home + probe) & mask;
      if ((long) LONGS.getOpaque(owners, i) == thread) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Claims, for {@code thread}, a free or {@linkplain #reclaimable reclaimable} slot among those it
   * probes from {@code home}.
   *
   * @param home the thread's {@link #home}
   * @param thread the thread's id
   * @param now the caller's clock time, passed to {@link #reclaimable}
   * @return the slot, or -1 if every probed slot is in use
   */
  public final int claim(int home, long thread, long now) {
    for (int probe = 0; probe < PROBES; probe++) {
      int i = (home + probe) & mask;
      long owner = (long) LONGS.getOpaque(owners, i);
      if ((owner == 0 || reclaimable(i, now)) && LONGS.compareAndSet(owners, i, owner, thread)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether slot {@code i}, owned by another thread, may be taken over at {@code now}; never,
   * unless a subclass says so.
   *
   * @param i the slot
   * @param now the caller's clock time
   * @return whether another thread may claim it
   */
  protected boolean reclaimable(int i, long now) {
    return false;
  }
}
