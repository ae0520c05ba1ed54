package io.tailguard.benchmarks.circuitbreaker;

import io.tailguard.benchmarks.Comparison;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link CircuitBreakerBenchmark} on 1 and 2 threads in one process and prints the results as
 * a Markdown table with each variant's ratio to the floor measured in the same run.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.circuitbreaker.BreakerComparison [forks] [iterations]} (defaults 3 and
 * 5).
 */
public final class BreakerComparison {

  private BreakerComparison() {}

  public static void main(String[] args) throws RunnerException {
    int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Integer, Map<String, Comparison.Score>> byThreads =
        Comparison.run(CircuitBreakerBenchmark.class, forks, iterations);
    Comparison.printTable(
        byThreads,
        List.of(
            "floor",
            "tailguard",
            "tailguardTryWithResources",
            "resilience4jCount",
            "resilience4jTime",
            "failsafe"),
        name -> name,
        name -> "floor",
        "variant",
        "ns/op",
        "ratio to floor",
        "%.1f ± %.1f");
  }
}
