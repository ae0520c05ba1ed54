package io.tailguard.benchmarks.breaker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CircuitBreakerBenchmark} on 1 and 2 threads in one process and prints the results as
 * a Markdown table with each variant's ratio to the floor measured in the same run.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * io.tailguard.benchmarks.breaker.BreakerComparison [forks] [iterations]} (defaults 3 and 5).
 */
public final class BreakerComparison {

  private BreakerComparison() {}

  public static void main(String[] args) throws RunnerException {
    int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Integer, Map<String, double[]>> byThreads = new LinkedHashMap<>();
    for (int threads : new int[] {1, 2}) {
      ChainedOptionsBuilder options =
          new OptionsBuilder()
              .include(CircuitBreakerBenchmark.class.getName() + "\\.")
              .threads(threads)
              .forks(forks)
              .measurementIterations(iterations);
      Collection<RunResult> results = new Runner(options.build()).run();
      Map<String, double[]> scores = new LinkedHashMap<>();
      for (RunResult r : results) {
        String name = r.getParams().getBenchmark();
        name = name.substring(name.lastIndexOf('.') + 1);
        scores.put(
            name,
            new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
      }
      byThreads.put(threads, scores);
    }
    List<String> order =
        List.of("floor", "tailguard", "resilience4jCount", "resilience4jTime", "failsafe");
    System.out.println();
    System.out.println(
        "| variant | 1 thread ns/op | ratio to floor | 2 threads ns/op | ratio to floor |");
    System.out.println("|---|---|---|---|---|");
    for (String name : order) {
      List<String> cells = new ArrayList<>();
      cells.add(name);
      for (int threads : new int[] {1, 2}) {
        double[] s = byThreads.get(threads).get(name);
        double floor = byThreads.get(threads).get("floor")[0];
        cells.add(String.format(Locale.ROOT, "%.1f ± %.1f", s[0], s[1]));
        cells.add(String.format(Locale.ROOT, "%.2fx", s[0] / floor));
      }
      System.out.println("| " + String.join(" | ", cells) + " |");
    }
  }
}
