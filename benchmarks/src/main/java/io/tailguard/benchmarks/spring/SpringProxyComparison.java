package io.tailguard.benchmarks.spring;

import io.tailguard.benchmarks.Comparison;
import java.util.Locale;
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
    System.out.println();
    System.out.println(
        "| variant | 1 thread ns/op | ratio to resilience4j | 2 threads ns/op | ratio to"
            + " resilience4j |");
    System.out.println("|---|---|---|---|---|");
    for (String name : new String[] {"direct", "tailguard", "resilience4j"}) {
      StringBuilder row = new StringBuilder("| ").append(name);
      for (int threads : Comparison.THREADS) {
        Comparison.Score s = byThreads.get(threads).get(name);
        double peer = byThreads.get(threads).get("resilience4j").score();
        row.append(String.format(Locale.ROOT, " | %.1f ± %.1f", s.score(), s.error()));
        row.append(String.format(Locale.ROOT, " | %.2fx", s.score() / peer));
      }
      System.out.println(row.append(" |"));
    }
  }
}
