package io.tailguard.benchmarks.hedge.sim;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * A hedging policy under test, wrapped so that the simulation drives every policy the same way.
 * Attempts are functions of the attempt number (0 for the primary).
 *
 * <p>Implementations are as thread-safe as the {@link io.tailguard.core.hedge.Hedger} they wrap:
 * real-time runs call them from many threads.
 */
interface SimPolicy extends AutoCloseable {

  /**
   * Makes a call of asynchronous attempts (virtual time).
   *
   * @param attempt starts attempt k
   * @return the call's answer
   */
  CompletableFuture<String> callAsync(IntFunction<CompletableFuture<String>> attempt);

  /**
   * Makes a call of blocking attempts (real time).
   *
   * @param attempt runs attempt k
   * @return the call's answer
   * @throws RuntimeException if the call failed
   */
  String call(IntFunction<String> attempt);

  /**
   * Returns the hedger's counters now, or {@link Counters#UNHEDGED} for a policy without one.
   *
   * @return the counters
   */
  Counters counters();

  /**
   * Returns what the policy has learned, for {@link #restore(byte[])} in a new instance.
   *
   * @return the state, or {@code null} if this policy has none to carry over
   */
  byte[] snapshot();

  /**
   * Restores what {@link #snapshot()} saved in an instance of the same policy.
   *
   * @param state the state
   */
  void restore(byte[] state);

  /** Stops the policy's threads, if it owns any. */
  @Override
  void close();
}
