package io.tailguard.core.breaker;

/**
 * The encoding of a {@link CircuitBreaker}'s state in one 64-bit word, so that every state change
 * and every half-open decision is one compare-and-set:
 *
 * <pre>
 *   bits  0-2   the CircuitState ordinal
 *   bits  3-12  half-open permits in flight
 *   bits 13-22  half-open successes
 *   bits 23-32  half-open failures
 *   bits 33-63  the generation, incremented by every transition and when trial permits time out
 * </pre>
 *
 * <p>The config caps the three counters at 1000, so 10 bits hold them. The generation has 31 bits
 * and wraps: every new generation is masked to them ({@link #nextGeneration}), and "later" is
 * decided by serial-number arithmetic (RFC 1982, {@link #isLater}).
 *
 * <p>Not part of the public API. Static functions of a {@code long}; stateless and thread-safe.
 */
final class StateWord {

  private static final CircuitState[] STATES = CircuitState.values();
  private static final long STATE_MASK = 0x7L;
  private static final int COUNT_BITS = 10;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final int IN_FLIGHT_SHIFT = 3;
  private static final int SUCCESS_SHIFT = IN_FLIGHT_SHIFT + COUNT_BITS;
  private static final int FAILURE_SHIFT = SUCCESS_SHIFT + COUNT_BITS;
  private static final int GEN_SHIFT = FAILURE_SHIFT + COUNT_BITS;
  private static final long CLOSED_CODE = CircuitState.CLOSED.ordinal();
  private static final long GEN_MASK = (1L << (Long.SIZE - GEN_SHIFT)) - 1;
  private static final long GEN_HALF = 1L << (Long.SIZE - GEN_SHIFT - 1);

  /** The largest value of each half-open counter. */
  static final long MAX_COUNT = COUNT_MASK;

  /** The largest generation; the one after it is 0. */
  static final long MAX_GENERATION = GEN_MASK;

  /** Added to a word, one more permit in flight; subtracted, one fewer. */
  static final long ONE_IN_FLIGHT = 1L << IN_FLIGHT_SHIFT;

  private StateWord() {}

  /**
   * Encodes a word. Each counter must lie in [0, {@link #MAX_COUNT}] and the generation in [0,
   * {@link #MAX_GENERATION}]; the breaker's config guarantees it, so it is not checked here.
   */
  static long word(CircuitState s, long generation, long inFlight, long successes, long failures) {
    return s.ordinal()
        | (inFlight << IN_FLIGHT_SHIFT)
        | (successes << SUCCESS_SHIFT)
        | (failures << FAILURE_SHIFT)
        | (generation << GEN_SHIFT);
  }

  /** Whether the word is CLOSED: one mask and compare, for the breaker's hot path. */
  static boolean isClosed(long w) {
    return (w & STATE_MASK) == CLOSED_CODE;
  }

  static CircuitState stateOf(long w) {
    return STATES[(int) (w & STATE_MASK)];
  }

  static long generation(long w) {
    return w >>> GEN_SHIFT;
  }

  /** The generation after {@code generation}, wrapping within its 31 bits. */
  static long nextGeneration(long generation) {
    return (generation + 1) & GEN_MASK;
  }

  /**
   * Returns whether generation {@code a} is later than {@code b}, by RFC 1982 serial-number
   * arithmetic on 31 bits: {@code a} is later if it lies less than 2^30 steps after {@code b},
   * counting around the wrap. Two generations exactly 2^30 apart are not ordered; the breaker never
   * compares generations that far apart.
   */
  static boolean isLater(long a, long b) {
    long distance = (a - b) & GEN_MASK;
    return distance != 0 && distance < GEN_HALF;
  }

  static long inFlight(long w) {
    return (w >>> IN_FLIGHT_SHIFT) & COUNT_MASK;
  }

  static long successes(long w) {
    return (w >>> SUCCESS_SHIFT) & COUNT_MASK;
  }

  static long failures(long w) {
    return (w >>> FAILURE_SHIFT) & COUNT_MASK;
  }

  /** The word as text, for test failures and debugging: {@code HALF_OPEN g=7 in=1 ok=2 err=0}. */
  static String toString(long w) {
    return stateOf(w)
        + " g="
        + generation(w)
        + " in="
        + inFlight(w)
        + " ok="
        + successes(w)
        + " err="
        + failures(w);
  }
}
