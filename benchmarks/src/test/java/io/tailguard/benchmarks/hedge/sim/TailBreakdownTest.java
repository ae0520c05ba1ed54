package io.tailguard.benchmarks.hedge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TailBreakdownTest {

  private static final Pattern LINE =
      Pattern.compile(
          "(\\S+): p99.9 ([0-9.]+) ms, extra ([0-9.]+)%; (\\d+) calls above 5 ms: (\\d+) never"
              + " hedged, (\\d+) first hedged at 8 ms or later, (\\d+) hedged earlier");

  private static Scenario stationary3() {
    return Scenarios.of(new RunOptions(true, 4, 400, 5, 1, List.of("stationary-3"))).get(0);
  }

  private static Matcher run(String policy) {
    PolicySpec spec =
        Policies.all().stream().filter(p -> p.name().equals(policy)).findFirst().orElseThrow();
    String line = TailBreakdown.run(stationary3(), spec, 5_000_000L, 8_000_000L);
    Matcher m = LINE.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    return m;
  }

  @Test
  void withoutHedgingEverySlowCallWasNeverHedged() {
    Matcher m = run(Policies.NONE);
    assertThat(m.group(3)).isEqualTo("0.00");
    assertThat(Integer.parseInt(m.group(4))).isPositive().isEqualTo(Integer.parseInt(m.group(5)));
  }

  @Test
  void aFixedDelaySortsItsSlowCallsByWhenTheirFirstHedgeWent() {
    Matcher m = run("fixed-10ms");
    int above = Integer.parseInt(m.group(4));
    int never = Integer.parseInt(m.group(5));
    int late = Integer.parseInt(m.group(6));
    int earlier = Integer.parseInt(m.group(7));
    assertThat(Double.parseDouble(m.group(3))).isPositive();
    // A 10 ms delay sends no hedge before 8 ms.
    assertThat(earlier).isZero();
    assertThat(never + late).isEqualTo(above).isPositive();
    // Deterministic for its seed.
    assertThat(run("fixed-10ms").group()).isEqualTo(m.group());
  }

  @Test
  void refusesScenariosThatRestartOrQueue() {
    Scenario restored =
        Scenarios.of(new RunOptions(true, 4, 400, 5, 1, List.of("restored"))).get(0);
    assertThatThrownBy(
            () -> TailBreakdown.run(restored, Policies.all().get(0), 1_000_000L, 1_000_000L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("restored");
  }
}
