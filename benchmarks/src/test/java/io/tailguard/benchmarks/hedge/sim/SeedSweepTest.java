package io.tailguard.benchmarks.hedge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedSweepTest {

  @Test
  void parsesSeedsAndStartsWithTheFirst() {
    RunOptions o = RunOptions.parse("--virtual", "--seeds", "3, 9,11");
    assertThat(o.seeds()).containsExactly(3L, 9L, 11L);
    assertThat(o.seed()).isEqualTo(3L);
    assertThat(o.withSeed(9).seeds()).isEmpty();
    assertThat(o.withSeed(9).seed()).isEqualTo(9L);
  }

  @Test
  void refusesOneSeedRepeatedSeedsAndNonNumbers() {
    assertThatThrownBy(() -> RunOptions.parse("--seeds", "3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--seeds needs 2 to 100 seeds, separated by commas, was 1");
    assertThatThrownBy(() -> RunOptions.parse("--seeds", "3,3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--seeds must not repeat a seed, was [3, 3]");
    assertThatThrownBy(() -> RunOptions.parse("--seeds", "3,x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--seeds needs a number, was '3,x'");
  }

  @Test
  void medianIgnoresNaNAndAveragesTheMiddlePair() {
    assertThat(SeedSweep.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(SeedSweep.median(new double[] {4, 1, Double.NaN, 2, 3})).isEqualTo(2.5);
    assertThat(SeedSweep.median(new double[] {Double.NaN})).isNaN();
  }

  @Test
  void printsOneRowPerScenarioWithEverySeedAndTheSameFiguresAsSingleRuns() {
    RunOptions o = new RunOptions(true, 4, 400, 5, 1, List.of("stationary-3"), List.of(5L, 6L));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<List<ScenarioResult>> perSeed =
        new SeedSweep(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(o);
    String table = bytes.toString(StandardCharsets.UTF_8);

    assertThat(perSeed).hasSize(2);
    assertThat(table)
        .contains("| scenario | seed 5 | seed 6 | median | worst |")
        .containsOnlyOnce("| stationary-3 |")
        .contains("p99.9 rests on its slowest 0.1% of calls, 1 of them by scenario.");
    // Each seed's figures are those of a single run with that seed.
    List<ScenarioResult> single =
        HedgeScenarios.run(
            o.withSeed(6), new PrintStream(java.io.OutputStream.nullOutputStream(), true));
    assertThat(perSeed.get(1).get(0).summary().ratioToBestFixed())
        .isEqualTo(single.get(0).summary().ratioToBestFixed());
  }

  @Test
  void aTailCheckHoldsOnMoreThanHalfTheSeedsAndAnyOtherOnEveryOne() {
    Scenario scenario =
        Scenarios.of(new RunOptions(true, 4, 400, 5, 1, List.of("stationary-3"))).get(0);
    boolean[][] passes = {{true, true}, {false, true}, {true, false}};
    List<List<ScenarioResult>> perSeed = new java.util.ArrayList<>();
    for (boolean[] seed : passes) {
      Summary summary =
          new Summary(
              "stationary-3",
              null,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              Double.NaN,
              0,
              0,
              0.05,
              List.of(
                  new Check("tail", seed[0], "").judgedOnTheMedian(),
                  new Check("budget", seed[1], "")));
      perSeed.add(List.of(new ScenarioResult(scenario, List.of(), summary, 0)));
    }
    assertThat(SeedSweep.judge(perSeed))
        .containsExactly(
            new SeedSweep.Verdict("stationary-3", "tail", true, 2, 3),
            new SeedSweep.Verdict("stationary-3", "budget", false, 2, 3));
    // Two seeds of four are not more than half.
    perSeed.add(perSeed.get(1));
    assertThat(SeedSweep.judge(perSeed).get(0).holds()).isFalse();
  }
}
