package io.tailguard.core.hedge;

import io.tailguard.core.time.Clock;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Decides how long a hedged call waits before sending each further attempt, and learns from the
 * attempts it sees.
 *
 * <p>The {@link io.tailguard.core.hedge.Hedger} feeds a strategy only with latencies of attempts
 * that answered or were superseded (cancelled because another attempt won; their elapsed time is a
 * lower bound of their latency), never with failures, so fast failures cannot drag a learned delay
 * down. Any exception a strategy throws is caught by the hedger, counted, and replaced by the
 * warm-up delay.
 *
 * <p>Implementations must be thread-safe: every call of a hedger reads and feeds the same strategy
 * concurrently.
 */
public interface HedgeDelayStrategy {

  /**
   * Returns the delay before hedge number {@code hedge}, counted from the start of the previous
   * attempt.
   *
   * @param hedge 1 for the first hedge, 2 for the second, ...
   * @return the delay in nanoseconds, not negative
   */
  long delayNanos(int hedge);

  /**
   * Records the latency of an attempt that succeeded, or the elapsed time of one that was
   * superseded.
   *
   * @param latencyNanos the latency or elapsed time
   */
  void recordLatency(long latencyNanos);

  /** Records that an attempt failed. */
  default void recordFailure() {}

  /** Records that an attempt succeeded. */
  default void recordSuccess() {}

  /**
   * Records how the primary attempt of a call ended, once per call. A primary that failed is not
   * recorded.
   *
   * @param elapsedNanos its latency, or its elapsed time when it was cut short
   * @param completed {@code true} if it answered (with any result), {@code false} if it was
   *     superseded, timed out or cancelled, so that its latency is only known to exceed {@code
   *     elapsedNanos}
   */
  default void recordPrimary(long elapsedNanos, boolean completed) {}

  /**
   * Records that a hedge this strategy's delay asked for found no token in the budget (once per
   * call). Attempts that failures ask for are not reported. Called by the default {@link
   * #recordBudgetExhausted(boolean)}, which the hedger calls.
   */
  default void recordBudgetExhausted() {}

  /**
   * A call whose first hedge its delay sent (not a failure) ended with an answer: whether a hedge
   * answered first, and the delay the first hedge was first armed with. Reported at most once per
   * call; not for calls that failed, timed out or were cancelled, nor where the primary or the
   * first hedge failed, was refused or gave an unacceptable result (a hedge then wins or loses by
   * default). By default it does nothing; {@link HedgeDelayType#ADAPTIVE} uses it to tell bursts
   * that hedges beat (a slow replica) from ones they only add to (a queue, a pause).
   *
   * @param firstHedgeDelayNanos the delay the strategy gave for the first hedge, before any wait
   *     for a budget token
   * @param hedgeWon {@code true} if a hedge's answer was the call's, {@code false} if the primary's
   */
  default void recordHedgeOutcome(long firstHedgeDelayNanos, boolean hedgeWon) {}

  /**
   * Records that a hedge this strategy's delay asked for found no token in the budget (once per
   * call), and whether failures had spent the budget. The hedger calls this one; by default it
   * calls {@link #recordBudgetExhausted()}.
   *
   * @param spentOnFailures {@code true} if attempts after failures (a retryable failure, an
   *     unacceptable result, or every attempt ended without an answer) took at least half of what
   *     the primaries of the last ten seconds earned: the refusal then says failures spend the
   *     budget, not that slow calls came in a burst that the delay is too short for
   */
  default void recordBudgetExhausted(boolean spentOnFailures) {
    recordBudgetExhausted();
  }

  /**
   * Returns whether the strategy has seen enough to trust its estimate.
   *
   * @return {@code true} once warmed up; FIXED and BACKOFF always are
   */
  boolean isWarm();

  /**
   * Returns the strategy's type.
   *
   * @return the type
   */
  HedgeDelayType type();

  /**
   * Takes new settings of the same type, keeping what was learned.
   *
   * @param config the new settings
   * @param budget the new budget
   */
  void reconfigure(DelayConfig config, BudgetConfig budget);

  /**
   * Returns the learned state and current delay as an ordered map, for reports.
   *
   * @return the description
   */
  Map<String, Object> describe();

  /**
   * Writes the learned state, for {@link #readState(DataInput)} in a later process.
   *
   * @param out the destination
   * @throws IOException if writing fails
   */
  void writeState(DataOutput out) throws IOException;

  /**
   * Replaces the learned state with one written by {@link #writeState(DataOutput)}.
   *
   * @param in the source
   * @throws IOException if the state cannot be read or is invalid; the strategy is then unchanged
   */
  void readState(DataInput in) throws IOException;

  /**
   * Creates the strategy a configuration asks for. An ADAPTIVE strategy made here cannot read a
   * hedger's bucket, so it never bypasses its refusal floor; a hedger makes its own.
   *
   * @param config the delay settings
   * @param budget the hedger's budget (ADAPTIVE aims inside it)
   * @param clock the clock (PERCENTILE windows its histogram by it)
   * @return a new strategy, cold
   */
  static HedgeDelayStrategy create(DelayConfig config, BudgetConfig budget, Clock clock) {
    switch (config.strategy()) {
      case FIXED:
        return new FixedDelay(config);
      case PERCENTILE:
        return new PercentileDelay(config, budget, clock);
      case ADAPTIVE:
        return new AdaptiveDelay(config, budget, clock);
      case BACKOFF:
        return new BackoffDelay(config);
      default:
        throw new IllegalArgumentException("unknown delay strategy " + config.strategy());
    }
  }
}
