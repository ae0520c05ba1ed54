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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The simulator's sweep in virtual time: the whole suite on five seeds of 120 s each (400
 * requests/s, 5 s warm-up), tg-default against its targets, one test per scenario and target. A
 * p99.9 comparison (with the best fixed delay in hindsight, with running-p95) is judged on the
 * median run, since one run's p99.9 rests on about 50 calls and one unlucky slow episode moves it;
 * every other target (the budget per half, the pauses and overload targets) must hold on every run.
 * The full report goes to {@code target/hedge-scenarios-ci.md}, the table to standard output.
 */
class HedgeScenariosTest {

  // The seeds and length of the by-hand sweep: virtual time makes it take a minute or two.
  private static final RunOptions SWEEP =
      new RunOptions(true, 120, 400, 1, 5, List.of(), List.of(1L, 7L, 42L, 100L, 2026L));

  private static List<List<ScenarioResult>> sweep;

  private static synchronized List<List<ScenarioResult>> sweep() throws IOException {
    if (sweep == null) {
      Path report = Path.of("target", "hedge-scenarios-ci.md");
      Files.createDirectories(report.getParent());
      long start = System.nanoTime();
      try (PrintStream out =
          new PrintStream(Files.newOutputStream(report), false, StandardCharsets.UTF_8)) {
        sweep = new SeedSweep(out).run(SWEEP);
      }
      System.out.printf(
          Locale.ROOT,
          "Virtual sweep: %.1f s; report in %s%n%n%s%n",
          (System.nanoTime() - start) / 1e9,
          report.toAbsolutePath(),
          Files.readString(report));
    }
    return sweep;
  }

  @TestFactory
  Stream<DynamicContainer> tgDefaultMeetsItsTargets() throws IOException {
    List<List<ScenarioResult>> perSeed = sweep();
    Map<String, List<SeedSweep.Verdict>> byScenario =
        SeedSweep.judge(perSeed).stream()
            .collect(
                Collectors.groupingBy(
                    SeedSweep.Verdict::scenario, LinkedHashMap::new, Collectors.toList()));
    return byScenario.entrySet().stream()
        .map(
            e ->
                dynamicContainer(
                    e.getKey(),
                    e.getValue().stream()
                        .map(v -> dynamicTest(v.target(), () -> assertHolds(perSeed, v)))));
  }

  private static void assertHolds(List<List<ScenarioResult>> perSeed, SeedSweep.Verdict v) {
    String details =
        perSeed.stream()
            .flatMap(seed -> seed.stream().filter(r -> r.scenario().name().equals(v.scenario())))
            .flatMap(r -> r.summary().checks().stream())
            .filter(c -> c.target().equals(v.target()))
            .map(c -> (c.pass() ? "PASS " : "FAIL ") + c.detail())
            .collect(Collectors.joining("\n  ", "\n  ", ""));
    assertThat(v.holds())
        .as(
            "%s, %s: passes on %d of %d seeds%s",
            v.scenario(), v.target(), v.passes(), v.seeds(), details)
        .isTrue();
  }

  @Test
  void tgDefaultNeverMakesTheTailWorseThanNoHedging() throws IOException {
    for (List<ScenarioResult> seed : sweep()) {
      for (ScenarioResult r : seed) {
        PolicyResult none = policy(r, Policies.NONE);
        PolicyResult tg = policy(r, Policies.TG_DEFAULT);
        assertThat(tg.p999Millis()).as(r.scenario().name()).isLessThanOrEqualTo(none.p999Millis());
        assertThat(tg.p99Millis()).as(r.scenario().name()).isLessThanOrEqualTo(none.p99Millis());
      }
    }
  }

  private static PolicyResult policy(ScenarioResult r, String name) {
    return r.policies().stream().filter(p -> p.policy().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void everyPolicyRunsAndEveryMeasuredCallEnds() throws IOException {
    List<String> policies =
        Policies.all().stream().map(PolicySpec::name).collect(Collectors.toList());
    for (List<ScenarioResult> seed : sweep()) {
      for (ScenarioResult r : seed) {
        assertThat(r.policies())
            .extracting(PolicyResult::policy)
            .containsExactlyElementsOf(policies);
        for (PolicyResult p : r.policies()) {
          assertThat(p.unfinished()).as("%s / %s", r.scenario().name(), p.policy()).isZero();
        }
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
