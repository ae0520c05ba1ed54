package io.tailguard.benchmarks.hedge.sim;

import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * A policy backed by a {@link Hedger}, optionally feeding each call's latency to a {@link
 * RunningP95Delay} (the hedger itself only feeds attempt latencies to its strategy).
 *
 * <p>Thread-safe, as the hedger is.
 */
final class HedgedPolicy implements SimPolicy {

  private final Hedger hedger;
  private final Clock clock;
  private final RunningP95Delay callLatencies;
  private final boolean restorable;

  /**
   * Wraps a hedger.
   *
   * @param hedger the hedger
   * @param clock the clock to time calls with
   * @param callLatencies the strategy to feed call latencies to, or {@code null}
   * @param restorable whether the hedger's state is carried over by {@link #snapshot()}
   */
  HedgedPolicy(Hedger hedger, Clock clock, RunningP95Delay callLatencies, boolean restorable) {
    this.hedger = hedger;
    this.clock = clock;
    this.callLatencies = callLatencies;
    this.restorable = restorable;
  }

  @Override
  public CompletableFuture<String> callAsync(IntFunction<CompletableFuture<String>> attempt) {
    long start = clock.nanoTime();
    CompletableFuture<String> answer = hedger.callAsync(ctx -> attempt.apply(ctx.attempt()));
    if (callLatencies == null) {
      return answer;
    }
    return answer.whenComplete((v, e) -> callLatencies.recordCall(clock.nanoTime() - start));
  }

  @Override
  public String call(IntFunction<String> attempt) {
    long start = clock.nanoTime();
    try {
      return hedger.call(ctx -> attempt.apply(ctx.attempt()));
    } finally {
      if (callLatencies != null) {
        callLatencies.recordCall(clock.nanoTime() - start);
      }
    }
  }

  @Override
  public Counters counters() {
    return Counters.of(hedger.metrics());
  }

  @Override
  public byte[] snapshot() {
    return restorable ? hedger.snapshot() : null;
  }

  @Override
  public void restore(byte[] state) {
    if (!hedger.restore(state)) {
      throw new IllegalStateException("hedger '" + hedger.name() + "' refused its snapshot");
    }
  }

  @Override
  public void close() {
    hedger.close();
  }
}
