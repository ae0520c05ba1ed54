package io.tailguard.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.*;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PrimitivesBenchmark {
  final LongAdder adder = new LongAdder();
  final LongAdder adder2 = new LongAdder();
  final LongAdder adder3 = new LongAdder();
  final AtomicLong a1 = new AtomicLong();

  @Benchmark
  public long floor() {
    long t0 = System.nanoTime();
    long t1 = System.nanoTime();
    adder.increment();
    return t1 - t0;
  }

  @Benchmark
  public long threeAdders() {
    long t0 = System.nanoTime();
    long t1 = System.nanoTime();
    adder.increment();
    adder2.add(t1 - t0);
    adder3.add((t1 - t0) * 3);
    return t1 - t0;
  }

  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }

  @State(Scope.Thread)
  public static class Local {
    final AtomicLong x = new AtomicLong();
    final AtomicLong y = new AtomicLong();
    final AtomicLong z = new AtomicLong();
  }

  @Benchmark
  public long threeLocalXadd(Local l) {
    long t0 = System.nanoTime();
    long t1 = System.nanoTime();
    l.x.getAndIncrement();
    l.y.getAndAdd(t1 - t0);
    l.z.getAndAdd(t1 * 3);
    return t1 - t0;
  }
}
