package io.tailguard.benchmarks.hedge;

import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.hedge.Hedger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The overhead of a hedged call whose primary answers at once (no hedge is ever sent) over a direct
 * call: blocking (the attempt runs on the hedger's executor, virtual threads on JDK 21+, a platform
 * pool on 17) and asynchronous (the primary's stage is created on the caller's thread).
 *
 * <p>Run on each JDK: {@code java -jar benchmarks/target/benchmarks.jar HedgerOverheadBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class HedgerOverheadBenchmark {

  private Hedger hedger;
  private final CompletableFuture<String> answered = CompletableFuture.completedFuture("answer");

  @Setup(Level.Trial)
  public void setUp() {
    hedger =
        Hedger.builder("bench")
            .config(
                HedgeConfig.builder()
                    .delay(
                        DelayConfig.builder()
                            .strategy(HedgeDelayType.FIXED)
                            .delay(Duration.ofSeconds(10))
                            .build())
                    .build())
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    hedger.close();
  }

  static String answer(Object context) {
    return "answer";
  }

  @Benchmark
  public String direct() {
    return answer(null);
  }

  @Benchmark
  public String hedgedBlocking() {
    return hedger.call(HedgerOverheadBenchmark::answer);
  }

  @Benchmark
  public String hedgedAsync() {
    return hedger.callAsync(ctx -> answered).join();
  }
}
