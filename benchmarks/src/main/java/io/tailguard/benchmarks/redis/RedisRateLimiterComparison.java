package io.tailguard.benchmarks.redis;

import io.tailguard.benchmarks.Comparison;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link RedisRateLimiterBenchmark} on 1 and 2 threads in one process and prints a Markdown
 * table of permits per second with each variant's ratio to Bucket4j's (above 1: more permits per
 * second than Bucket4j).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.redis.RedisRateLimiterComparison [forks] [iterations]} (defaults 2 and
 * 5).
 */
public final class RedisRateLimiterComparison {

  private RedisRateLimiterComparison() {}

  public static void main(String[] args) throws RunnerException {
    int forks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Integer, Map<String, Comparison.Score>> byThreads =
        Comparison.run(RedisRateLimiterBenchmark.class, forks, iterations);
    Comparison.printTable(
        byThreads,
        List.of("tailguard", "bucket4j"),
        name -> name,
        name -> "bucket4j",
        "variant",
        "permits/s",
        "ratio to bucket4j",
        "%.0f ± %.0f");
  }
}
