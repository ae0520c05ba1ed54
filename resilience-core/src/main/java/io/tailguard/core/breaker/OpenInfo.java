package io.tailguard.core.breaker;

/**
 * One OPEN period of a {@link CircuitBreaker}: the generation of the state word it belongs to, when
 * its cooldown ends, and how many times in a row the breaker has re-opened; and the rule by which
 * the cooldown grows with re-opens: {@code openCooldown * 2^reopens}, capped at {@code
 * maxOpenCooldown}, never overflowing.
 *
 * <p>Immutable and thread-safe. The breaker publishes each one by compare-and-set (see its
 * concurrency comment).
 */
final class OpenInfo {

  /** Re-opens beyond this many no longer double the cooldown (which is capped long before). */
  static final int MAX_REOPEN_EXPONENT = 62;

  final long generation;
  final long untilNanos;
  final int reopens;

  OpenInfo(long generation, long untilNanos, int reopens) {
    this.generation = generation;
    this.untilNanos = untilNanos;
    this.reopens = reopens;
  }

  /**
   * The re-open count of the period after {@code previous}: 1 for the first, then one more each
   * time, up to {@link #MAX_REOPEN_EXPONENT}.
   *
   * @param previous the last OPEN period, or {@code null} if none (or forgotten by a reset)
   */
  static int nextReopens(OpenInfo previous) {
    return previous == null ? 1 : Math.min(previous.reopens + 1, MAX_REOPEN_EXPONENT);
  }

  /**
   * Returns {@code base * 2^reopens}, capped at {@code max}, without overflowing for any number of
   * re-opens.
   */
  static long cooldownNanos(long base, long max, int reopens) {
    int shift = Math.min(Math.max(reopens, 0), MAX_REOPEN_EXPONENT);
    if (shift >= Long.numberOfLeadingZeros(base) - 1) {
      return max;
    }
    return Math.min(max, base << shift);
  }

  /** The cooldown {@code config} gives a period after {@code reopens} re-opens. */
  static long cooldownNanos(CircuitConfig config, int reopens) {
    return cooldownNanos(
        config.openCooldown().toNanos(), config.maxOpenCooldown().toNanos(), reopens);
  }

  @Override
  public String toString() {
    return "OpenInfo[generation="
        + generation
        + ", untilNanos="
        + untilNanos
        + ", reopens="
        + reopens
        + "]";
  }
}
