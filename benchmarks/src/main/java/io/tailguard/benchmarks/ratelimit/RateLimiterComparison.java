package io.tailguard.benchmarks.ratelimit;

import io.tailguard.benchmarks.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;

/**
 * Runs {@link RateLimiterBenchmark} on 1 and 2 threads in one process and prints a Markdown table
 * with each peer's time per request divided by Tailguard's (above 1: Tailguard is faster).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.ratelimit.RateLimiterComparison [forks] [iterations]} (defaults 3 and 5).
 */
public final class RateLimiterComparison {

  private RateLimiterComparison() {}

  public static void main(String[] args) throws RunnerException {
    int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Integer, Map<String, Comparison.Score>> byThreads =
        Comparison.run(RateLimiterBenchmark.class, forks, iterations);
    System.out.println();
    System.out.println(
        "| keys | variant | 1 thread ns/op | peer / tailguard | 2 threads ns/op | peer / tailguard"
            + " |");
    System.out.println("|---|---|---|---|---|---|");
    for (String keys : List.of("1", "10000")) {
      for (String variant : List.of("floor", "tailguard", "resilience4j", "bucket4j")) {
        List<String> cells = new ArrayList<>();
        cells.add(keys);
        cells.add(variant);
        for (int threads : Comparison.THREADS) {
          Map<String, Comparison.Score> scores = byThreads.get(threads);
          Comparison.Score s = scores.get(variant + "[keys=" + keys + "]");
          double ours = scores.get("tailguard[keys=" + keys + "]").score();
          cells.add(String.format(Locale.ROOT, "%.1f ± %.1f", s.score(), s.error()));
          cells.add(String.format(Locale.ROOT, "%.2fx", s.score() / ours));
        }
        System.out.println("| " + String.join(" | ", cells) + " |");
      }
    }
  }
}
