package io.tailguard.benchmarks.spring;

import io.tailguard.benchmarks.Comparison;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link SpringProxyBenchmark} on 1 and 2 threads in one process and prints a Markdown table
 * with each variant's score and its ratio to Resilience4j measured in the same run (the target:
 * Tailguard's ratio at most 1).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.spring.SpringProxyComparison [forks] [iterations]} (defaults 3 and 5).
 */
public final class SpringProxyComparison {

  private SpringProxyComparison() {}

  public static void main(String[] args) throws RunnerException {
    int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Integer, Map<String, Comparison.Score>> byThreads =
        Comparison.run(SpringProxyBenchmark.class, forks, iterations);
    Comparison.printTable(
        byThreads,
        List.of("direct", "tailguard", "resilience4j"),
        name -> name,
        name -> "resilience4j",
        "variant",
        "ns/op",
        "ratio to resilience4j",
        "%.1f ± %.1f");
  }
}
