package io.tailguard.benchmarks.hedge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The simulator's short run in virtual time (400 requests/s, 5 s warm-up, 20 s measured):
 * tg-default against its targets, one test per scenario and check. The full report goes to {@code
 * target/hedge-scenarios-ci.md}, the summary to standard output.
 */
class HedgeScenariosTest {

  // The full length of the by-hand run: virtual time makes it take seconds.
  private static final RunOptions SHORT = new RunOptions(true, 30, 400, 42, 5, List.of());

  /**
   * Targets tg-default does not meet yet, each with the looser bound it does keep, so that a
   * regression still fails the build. None since ADAPTIVE aims lower after refusals while the
   * budget is unsaturated (replicas went from 1.58x to 1.15x the best fixed delay).
   */
  private static final Map<String, Double> KNOWN_GAPS = Map.of();

  private static List<ScenarioResult> shortRun;

  private static synchronized List<ScenarioResult> shortRun() throws IOException {
    if (shortRun == null) {
      Path report = Path.of("target", "hedge-scenarios-ci.md");
      Files.createDirectories(report.getParent());
      long start = System.nanoTime();
      try (PrintStream out =
          new PrintStream(Files.newOutputStream(report), false, StandardCharsets.UTF_8)) {
        shortRun = HedgeScenarios.run(SHORT, out);
      }
      System.out.printf(
          Locale.ROOT,
          "Short virtual run: %.1f s; report in %s%n%n",
          (System.nanoTime() - start) / 1e9,
          report.toAbsolutePath());
      new Report(System.out).summary(shortRun);
    }
    return shortRun;
  }

  @TestFactory
  Stream<DynamicContainer> tgDefaultMeetsItsTargets() throws IOException {
    return shortRun().stream()
        .map(
            r ->
                dynamicContainer(
                    r.scenario().name(),
                    r.summary().checks().stream()
                        .map(c -> dynamicTest(c.target(), () -> assertTarget(r, c)))));
  }

  private static void assertTarget(ScenarioResult r, Check c) {
    Double gap = KNOWN_GAPS.get(r.scenario().name() + "/" + c.target());
    if (gap == null) {
      assertThat(c.pass()).as("%s, %s: %s", r.scenario().name(), c.target(), c.detail()).isTrue();
    } else {
      System.out.printf(
          Locale.ROOT,
          "known gap, %s, %s (held to %.1fx instead): %s%n",
          r.scenario().name(),
          c.target(),
          gap,
          c.detail());
      assertThat(r.summary().ratioToBestFixed())
          .as("%s, %s: %s", r.scenario().name(), c.target(), c.detail())
          .isLessThanOrEqualTo(gap);
    }
  }

  @Test
  void tgDefaultNeverMakesTheTailWorseThanNoHedging() throws IOException {
    for (ScenarioResult r : shortRun()) {
      PolicyResult none = policy(r, Policies.NONE);
      PolicyResult tg = policy(r, Policies.TG_DEFAULT);
      assertThat(tg.p999Millis()).as(r.scenario().name()).isLessThanOrEqualTo(none.p999Millis());
      assertThat(tg.p99Millis()).as(r.scenario().name()).isLessThanOrEqualTo(none.p99Millis());
    }
  }

  private static PolicyResult policy(ScenarioResult r, String name) {
    return r.policies().stream().filter(p -> p.policy().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyPolicyRunsAndEveryMeasuredCallEnds() throws IOException {
    List<String> policies =
        Policies.all().stream().map(PolicySpec::name).collect(Collectors.toList());
    for (ScenarioResult r : shortRun()) {
      assertThat(r.policies()).extracting(PolicyResult::policy).containsExactlyElementsOf(policies);
      for (PolicyResult p : r.policies()) {
        assertThat(p.unfinished()).as("%s / %s", r.scenario().name(), p.policy()).isZero();
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameResults() {
    RunOptions o =
        new RunOptions(
            true,
            4,
            400,
            7,
            1,
            List.of(
                "stationary-3",
                "replicas",
                "correlated-pauses",
                "overload",
                "fast-failures",
                "restored"));

    List<List<PolicyResult>> first = figures(o);
    List<List<PolicyResult>> second = figures(o);
    List<List<PolicyResult>> otherSeed = figures(new RunOptions(true, 4, 400, 8, 1, o.only()));

    assertThat(second).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
  }

  private static List<List<PolicyResult>> figures(RunOptions o) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    return HedgeScenarios.run(o, quiet).stream()
        .map(ScenarioResult::policies)
        .collect(Collectors.toList());
  }
}
