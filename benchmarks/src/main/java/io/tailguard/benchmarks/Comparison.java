package io.tailguard.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs one JMH benchmark class on 1 and 2 threads in one process, so that every variant and its
 * peers are measured in the same run, and collects the scores for a comparison table.
 *
 * <p>Not thread-safe; used from a {@code main} method.
 */
public final class Comparison {

  /** Thread counts measured. */
  public static final int[] THREADS = {1, 2};

  private Comparison() {}

  /**
   * A score and its error, in the benchmark's unit.
   *
   * @param score the mean
   * @param error the 99.9% confidence half-width
   */
  public record Score(double score, double error) {}

  /**
   * Runs {@code benchmark} once per thread count.
   *
   * @param benchmark the benchmark class
   * @param forks forks per benchmark
   * @param iterations measurement iterations per fork
   * @return thread count to (method name plus {@code [param=value,...]} when parameterised) to
   *     score
   * @throws RunnerException if JMH fails
   */
  public static Map<Integer, Map<String, Score>> run(Class<?> benchmark, int forks, int iterations)
      throws RunnerException {
    Map<Integer, Map<String, Score>> byThreads = new LinkedHashMap<>();
    for (int threads : THREADS) {
      Collection<RunResult> results =
          new Runner(
                  new OptionsBuilder()
                      .include(benchmark.getName() + "\\.")
                      .threads(threads)
                      .forks(forks)
                      .measurementIterations(iterations)
                      .build())
              .run();
      Map<String, Score> scores = new LinkedHashMap<>();
      for (RunResult r : results) {
        String name = r.getParams().getBenchmark();
        name = name.substring(name.lastIndexOf('.') + 1);
        Map<String, String> params = new TreeMap<>();
        for (String key : r.getParams().getParamsKeys()) {
          params.put(key, r.getParams().getParam(key));
        }
        if (!params.isEmpty()) {
          name += params.toString().replace('{', '[').replace('}', ']').replace(" ", "");
        }
        scores.put(
            name, new Score(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
      }
      byThreads.put(threads, scores);
    }
    return byThreads;
  }

  /**
   * Prints a Markdown table: one row per benchmark name, with its score and its ratio to the
   * reference row's score measured on the same thread count.
   *
   * @param byThreads what {@link #run} returned
   * @param rows the benchmark names, in table order
   * @param label the row's leading cell(s) for a name (may hold several cells separated by {@code
   *     |})
   * @param reference the name of the row a name is compared with
   * @param labelHeader the leading header cell(s)
   * @param unit the score's unit, for example {@code ns/op}
   * @param ratioHeader the ratio columns' header
   * @param scoreFormat the format of a score and its error, for example {@code %.1f ± %.1f}
   */
  public static void printTable(
      Map<Integer, Map<String, Score>> byThreads,
      List<String> rows,
      Function<String, String> label,
      Function<String, String> reference,
      String labelHeader,
      String unit,
      String ratioHeader,
      String scoreFormat) {
    int labelCells = labelHeader.split("\\|").length;
    StringBuilder header = new StringBuilder("| ").append(labelHeader);
    for (int threads : THREADS) {
      header.append(" | ").append(threads).append(threads == 1 ? " thread " : " threads ");
      header.append(unit).append(" | ").append(ratioHeader);
    }
    System.out.println();
    System.out.println(header.append(" |"));
    System.out.println("|---".repeat(labelCells + 2 * THREADS.length) + "|");
    for (String name : rows) {
      StringBuilder row = new StringBuilder("| ").append(label.apply(name));
      for (int threads : THREADS) {
        Score s = byThreads.get(threads).get(name);
        double ref = byThreads.get(threads).get(reference.apply(name)).score();
        row.append(" | ").append(String.format(Locale.ROOT, scoreFormat, s.score(), s.error()));
        row.append(String.format(Locale.ROOT, " | %.2fx", s.score() / ref));
      }
      System.out.println(row.append(" |"));
    }
  }
}
