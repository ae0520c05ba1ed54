package io.tailguard.benchmarks.hedge.sim;

import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@link HedgeScenarios}: {@code [--virtual] [--seconds N] [--rate R] [--seed S
 * | --seeds S1,S2,...] [--warmup N] [--only name,...]}.
 *
 * @param virtual whether to simulate in virtual time rather than real time
 * @param seconds the measured span of each scenario
 * @param rate requests per second (the overload scenario derives its own)
 * @param seed the seed of every random draw
 * @param warmupSeconds the unmeasured time before the measured span
 * @param only the scenarios to run; empty for all
 * @param seeds for a sweep, the seeds to run the suite with, one after the other ({@code seed} is
 *     then the first); empty for one run with {@code seed}
 */
record RunOptions(
    boolean virtual,
    int seconds,
    double rate,
    long seed,
    int warmupSeconds,
    List<String> only,
    List<Long> seeds) {

  /** The defaults: real time, 30 s measured after 5 s of warm-up, 400 requests/s, seed 42. */
  static final RunOptions DEFAULTS = new RunOptions(false, 30, 400, 42, 5, List.of());

  /**
   * Checks the options.
   *
   * @throws IllegalArgumentException naming the option at fault
   */
  RunOptions {
    if (seconds < 2 || seconds > 3600) {
      throw new IllegalArgumentException("--seconds must be in [2, 3600], was " + seconds);
    }
    if (!(rate >= 1 && rate <= 100_000)) {
      throw new IllegalArgumentException("--rate must be in [1, 100000], was " + rate);
    }
    if (warmupSeconds < 0 || warmupSeconds > 3600) {
      throw new IllegalArgumentException("--warmup must be in [0, 3600], was " + warmupSeconds);
    }
    only = List.copyOf(only);
    seeds = List.copyOf(seeds);
    if (seeds.size() == 1 || seeds.size() > 100) {
      throw new IllegalArgumentException(
          "--seeds needs 2 to 100 seeds, separated by commas, was " + seeds.size());
    }
    if (seeds.stream().distinct().count() != seeds.size()) {
      throw new IllegalArgumentException("--seeds must not repeat a seed, was " + seeds);
    }
  }

  /** Options for one run with one seed. */
  RunOptions(
      boolean virtual, int seconds, double rate, long seed, int warmupSeconds, List<String> only) {
    this(virtual, seconds, rate, seed, warmupSeconds, only, List.of());
  }

  /**
   * Returns these options for one run with another seed.
   *
   * @param s the seed
   * @return the options of that run
   */
  RunOptions withSeed(long s) {
    return new RunOptions(virtual, seconds, rate, s, warmupSeconds, only);
  }

  /**
   * Parses a command line.
   *
   * @param args the arguments
   * @return the options
   * @throws IllegalArgumentException for an unknown option or a bad value
   */
  static RunOptions parse(String... args) {
    boolean virtual = DEFAULTS.virtual;
    int seconds = DEFAULTS.seconds;
    double rate = DEFAULTS.rate;
    long seed = DEFAULTS.seed;
    int warmup = DEFAULTS.warmupSeconds;
    List<String> only = DEFAULTS.only;
    List<Long> seeds = List.of();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--virtual")) {
        virtual = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + a);
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--seconds":
            seconds = Integer.parseInt(v);
            break;
          case "--rate":
            rate = Double.parseDouble(v);
            break;
          case "--seed":
            seed = Long.parseLong(v);
            break;
          case "--warmup":
            warmup = Integer.parseInt(v);
            break;
          case "--seeds":
            seeds = Arrays.stream(v.split(",")).map(x -> Long.parseLong(x.trim())).toList();
            seed = seeds.get(0);
            break;
          case "--only":
            only = Arrays.asList(v.split(","));
            break;
          default:
            throw new IllegalArgumentException("unknown option: " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " needs a number, was '" + v + "'", e);
      }
    }
    return new RunOptions(virtual, seconds, rate, seed, warmup, only, seeds);
  }
}
