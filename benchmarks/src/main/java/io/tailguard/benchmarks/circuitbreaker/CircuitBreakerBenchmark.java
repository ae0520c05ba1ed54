package io.tailguard.benchmarks.circuitbreaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The breaker's hot path: permission for one succeeding call plus recording its outcome and
 * latency, the latency measured with two clock reads. Every variant does the same work around a
 * trivial body; breakers are shared, so with two threads they contend as they would in a service.
 *
 * <ul>
 *   <li>{@code floor}: two {@code System.nanoTime()} calls and a {@code LongAdder} increment, the
 *       least any breaker that measures latency and counts calls can do.
 *   <li>{@code tailguard}: {@code acquire()} then {@code success()} on a default breaker (10 s
 *       window in 10 buckets); the guard reads the clock itself.
 *   <li>{@code tailguardTryWithResources}: the same in the documented try-with-resources form,
 *       whose {@code close()} after {@code success()} finds the outcome reported and does nothing;
 *       its exception path keeps the JIT from removing the guard's allocation.
 *   <li>{@code resilience4jCount}, {@code resilience4jTime}: Resilience4j 2.4.0 with a count-based
 *       window of 100 calls and a time-based window of 10 s; {@code acquirePermission()}, then
 *       {@code onSuccess(latency)}.
 *   <li>{@code failsafe}: Failsafe 3.3.2 with a failure threshold of 50 in 100; {@code
 *       tryAcquirePermit()} then {@code recordSuccess()}.
 * </ul>
 *
 * <p>Run both thread counts and get ratios with {@link BreakerComparison}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class CircuitBreakerBenchmark {

  private final LongAdder floorCount = new LongAdder();
  private CircuitBreaker tailguard;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker r4jCount;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker r4jTime;
  private dev.failsafe.CircuitBreaker<Object> failsafe;
  private int value = 42;

  @Setup
  public void setUp() {
    tailguard = CircuitBreaker.of("bench", CircuitConfig.defaults());
    r4jCount =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "count",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(100)
                .build());
    r4jTime =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "time",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10)
                .build());
    failsafe =
        dev.failsafe.CircuitBreaker.builder()
            .withFailureThreshold(50, 100)
            .withDelay(Duration.ofSeconds(30))
            .build();
  }

  private int body() {
    return value + 1;
  }

  @Benchmark
  public long floor() {
    long start = System.nanoTime();
    int r = body();
    long end = System.nanoTime();
    floorCount.increment();
    return r + end - start;
  }

  @Benchmark
  public long tailguard() {
    CallGuard guard = tailguard.acquire();
    int r = body();
    guard.success();
    return r;
  }

  @Benchmark
  public long tailguardTryWithResources() {
    try (CallGuard guard = tailguard.acquire()) {
      int r = body();
      guard.success();
      return r;
    }
  }

  @Benchmark
  public long resilience4jCount() {
    r4jCount.acquirePermission();
    long start = System.nanoTime();
    int r = body();
    r4jCount.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return r;
  }

  @Benchmark
  public long resilience4jTime() {
    r4jTime.acquirePermission();
    long start = System.nanoTime();
    int r = body();
    r4jTime.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return r;
  }

  @Benchmark
  public long failsafe() {
    if (!failsafe.tryAcquirePermit()) {
      throw new IllegalStateException("the Failsafe breaker opened");
    }
    long start = System.nanoTime();
    int r = body();
    long end = System.nanoTime();
    failsafe.recordSuccess();
    return r + end - start;
  }
}
