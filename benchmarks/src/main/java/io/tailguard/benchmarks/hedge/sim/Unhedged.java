package io.tailguard.benchmarks.hedge.sim;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The policy "none": the primary attempt is the call.
 *
 * <p>Stateless and thread-safe.
 */
final class Unhedged implements SimPolicy {

  @Override
  public CompletableFuture<String> callAsync(IntFunction<CompletableFuture<String>> attempt) {
    return attempt.apply(0);
  }

  @Override
  public String call(IntFunction<String> attempt) {
    return attempt.apply(0);
  }

  @Override
  public Counters counters() {
    return Counters.UNHEDGED;
  }

  @Override
  public byte[] snapshot() {
    return null;
  }

  @Override
  public void restore(byte[] state) {
    throw new IllegalStateException("'none' has no state to restore");
  }

  @Override
  public void close() {
    // owns nothing
  }
}
