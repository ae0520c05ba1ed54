package io.tailguard.benchmarks.hedge;

import io.tailguard.core.hedge.DelayConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgeDelayType;
import io.tailguard.core.hedge.HedgeExecutors;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
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
  // For the parts of a blocking call, measured alone (see RESULTS.md).
  private ExecutorService executor;
  private DefaultScheduler scheduler;
  private Hedger noTimers;
  private Hedger inline;
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
    executor = HedgeExecutors.newDefault();
    inline =
        Hedger.builder("bench-inline").config(hedger.config()).primaryOnCallingThread(true).build();
    noTimers = Hedger.builder("bench-no-timers").scheduler((task, delay) -> NEVER).build();
    scheduler = new DefaultScheduler("bench", Duration.ofSeconds(1));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    hedger.close();
    noTimers.close();
    inline.close();
    HedgeExecutors.shutdown(executor, Duration.ofSeconds(1));
    scheduler.close();
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
  public String hedgedBlockingPrimaryOnCaller() {
    return inline.call(HedgerOverheadBenchmark::answer);
  }

  @Benchmark
  public String hedgedAsync() {
    return hedger.callAsync(ctx -> answered).join();
  }

  /** Part: hand a task to the default executor and wait for its answer on a future. */
  @Benchmark
  public String partExecutorRoundTrip() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    executor.execute(() -> f.complete(answer(null)));
    return f.get();
  }

  /** Part: arm and cancel one timer on the default scheduler. */
  @Benchmark
  public boolean partOneTimer() {
    return scheduler.schedule(HedgerOverheadBenchmark::noop, Duration.ofSeconds(30)).cancel();
  }

  /** Part: arm the timeout and the hedge timer, then cancel both, as a call does. */
  @Benchmark
  public boolean partTwoTimers() {
    Scheduler.ScheduledTask timeout =
        scheduler.schedule(HedgerOverheadBenchmark::noop, Duration.ofSeconds(30));
    Scheduler.ScheduledTask hedge =
        scheduler.schedule(HedgerOverheadBenchmark::noop, Duration.ofSeconds(10));
    return hedge.cancel() & timeout.cancel();
  }

  /** Part: a blocking call whose scheduler never runs its timers (so never wakes a thread). */
  @Benchmark
  public String partBlockingWithoutTimers() {
    return noTimers.call(HedgerOverheadBenchmark::answer);
  }

  static void noop() {}

  private static final Scheduler.ScheduledTask NEVER =
      new Scheduler.ScheduledTask() {
        @Override
        public boolean cancel() {
          return true;
        }

        @Override
        public boolean isCancelled() {
          return true;
        }
      };
}
