package io.tailguard.benchmarks.ratelimiter;

import io.tailguard.benchmarks.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link RateLimiterBenchmark} on 1 and 2 threads in one process and prints a Markdown table
 * with each peer's time per request divided by Tailguard's (above 1: Tailguard is faster).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.ratelimiter.RateLimiterComparison [forks] [iterations]} (defaults 3 and
 * 5).
 */
public final class RateLimiterComparison {

  private RateLimiterComparison() {}

  public static void main(String[] args) throws RunnerException {
    int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Integer, Map<String, Comparison.Score>> byThreads =
        Comparison.run(RateLimiterBenchmark.class, forks, iterations);
    List<String> rows = new ArrayList<>();
    for (String keys : List.of("1", "10000")) {
      for (String variant : List.of("floor", "tailguard", "resilience4j", "bucket4j")) {
        rows.add(variant + "[keys=" + keys + "]");
      }
    }
    Comparison.printTable(
        byThreads,
        rows,
        // "tailguard[keys=1]" -> "1 | tailguard"
        name ->
            name.substring(name.indexOf('=') + 1, name.length() - 1)
                + " | "
                + name.substring(0, name.indexOf('[')),
        name -> "tailguard" + name.substring(name.indexOf('[')),
        "keys | variant",
        "ns/op",
        "peer / tailguard",
        "%.1f ± %.1f");
  }
}
