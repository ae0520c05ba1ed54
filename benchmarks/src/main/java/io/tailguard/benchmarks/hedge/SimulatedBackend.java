package io.tailguard.benchmarks.hedge;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend whose latency has a lognormal body and rare long stalls, each request independent.
 * Answers are delivered by timers, so a cancelled request costs nothing more: cancelling the
 * returned future cancels its timer.
 *
 * <p>Thread-safe: the random source is split per request under a lock-free counter.
 */
final class SimulatedBackend {

  private final ScheduledExecutorService timers;
  private final AtomicLong seed;
  private final AtomicLong requests = new AtomicLong();
  private volatile double medianMillis;
  private final double sigma;
  private final double stallProbability;
  private final double stallMinMillis;
  private final double stallMaxMillis;

  SimulatedBackend(
      ScheduledExecutorService timers,
      long seed,
      double medianMillis,
      double sigma,
      double stallProbability,
      double stallMinMillis,
      double stallMaxMillis) {
    this.timers = timers;
    this.seed = new AtomicLong(seed);
    this.medianMillis = medianMillis;
    this.sigma = sigma;
    this.stallProbability = stallProbability;
    this.stallMinMillis = stallMinMillis;
    this.stallMaxMillis = stallMaxMillis;
  }

  /** Shifts the body of the distribution, for example to triple every latency. */
  void setMedianMillis(double medianMillis) {
    this.medianMillis = medianMillis;
  }

  long requests() {
    return requests.get();
  }

  /** Draws one latency, in nanoseconds. */
  long sampleNanos() {
    SplittableRandom r = new SplittableRandom(seed.getAndAdd(0x9E3779B97F4A7C15L));
    double millis;
    if (r.nextDouble() < stallProbability) {
      millis = stallMinMillis + r.nextDouble() * (stallMaxMillis - stallMinMillis);
    } else {
      double u = r.nextDouble();
      double v = r.nextDouble();
      double gaussian = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
      millis = medianMillis * Math.exp(sigma * gaussian);
    }
    return (long) (millis * 1_000_000);
  }

  /** Sends one request; the future completes after the sampled latency. */
  CompletableFuture<String> request() {
    requests.incrementAndGet();
    CompletableFuture<String> answer = new CompletableFuture<>();
    ScheduledFuture<?> timer =
        timers.schedule(() -> answer.complete("ok"), sampleNanos(), TimeUnit.NANOSECONDS);
    answer.whenComplete(
        (v, e) -> {
          if (answer.isCancelled()) {
            timer.cancel(false);
          }
        });
    return answer;
  }
}
