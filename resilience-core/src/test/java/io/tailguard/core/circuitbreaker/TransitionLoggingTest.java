package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every transition is logged with the SLF4J key-values {@code name}, {@code transition}, {@code
 * reason}, {@code failure_rate}, {@code health_score} and {@code latency_ms}, at WARN when opening
 * and INFO otherwise. The tests log through slf4j-simple, which prints key-values as {@code
 * key=value} before the message; {@link TestLogs.Capture} reads them back.
 */
class TransitionLoggingTest {

  private final FakeClock clock = new FakeClock();

  private static String value(String line, String key) {
    Matcher m =
        Pattern.compile("\\b" + key + "=(.*?) (?=[a-z_]+=|Circuit breaker|Global fuse)")
            .matcher(line);
    assertThat(m.find()).as("%s in %s", key, line).isTrue();
    return m.group(1);
  }

  private static double number(String line, String key) {
    return Double.parseDouble(value(line, key));
  }

  @Test
  void everyTransitionIsLoggedWithItsKeyValues() {
    String name = "logged-" + System.nanoTime(); // unique among the lines of the whole run
    CircuitBreaker b =
        CircuitBreaker.builder(name)
            .clock(clock)
            .config(
                CircuitConfig.builder()
                    .minCalls(2)
                    .failureRateThreshold(0.5)
                    .openCooldown(Duration.ofSeconds(5))
                    .halfOpenMaxConcurrent(1)
                    .halfOpenRequiredSuccesses(1)
                    .build())
            .build();

    List<String> lines;
    try (TestLogs.Capture capture = new TestLogs.Capture()) {
      CallGuard slow = b.acquire();
      clock.advanceMillis(250);
      slow.success();
      CallGuard failed = b.acquire();
      clock.advanceMillis(250);
      failed.failure(); // 1 of 2, mean 250 ms: opens
      clock.advance(Duration.ofSeconds(5));
      b.acquire().success(); // OPEN -> HALF_OPEN -> CLOSED
      b.forceOpen();
      b.disable();
      b.reset();
      lines = capture.linesWith("name=" + name + " ");
    }

    assertThat(lines)
        .extracting(line -> value(line, "transition") + " " + value(line, "reason"))
        .containsExactly(
            "CLOSED -> OPEN FAILURE_RATE",
            "OPEN -> HALF_OPEN COOLDOWN_ELAPSED",
            "HALF_OPEN -> CLOSED TRIAL_SUCCEEDED",
            "CLOSED -> FORCED_OPEN FORCED_OPEN",
            "FORCED_OPEN -> DISABLED DISABLED",
            "DISABLED -> CLOSED RESET");
    assertThat(lines)
        .extracting(
            line -> line.contains(" WARN ") ? "WARN" : line.contains(" INFO ") ? "INFO" : "?")
        .containsExactly("WARN", "INFO", "INFO", "WARN", "INFO", "INFO");

    String opened = lines.get(0);
    assertThat(value(opened, "name")).isEqualTo(name);
    assertThat(number(opened, "failure_rate")).isEqualTo(0.5);
    assertThat(number(opened, "latency_ms")).isEqualTo(250.0);
    // success 0.5, latency 250 ms scores 0.8, no jitter: 0.25 + 0.24 + 0.2
    assertThat(number(opened, "health_score")).isCloseTo(0.69, within(1e-9));
    assertThat(opened).contains("Circuit breaker '" + name + "' CLOSED -> OPEN (FAILURE_RATE)");

    String closed = lines.get(2);
    assertThat(number(closed, "failure_rate")).as("a fresh window").isZero();
    assertThat(number(closed, "health_score")).isEqualTo(1.0);
    assertThat(number(closed, "latency_ms")).isZero();
  }

  @Test
  void theGlobalFuseLogsItsTransitionsToo() {
    String name = "fused-" + System.nanoTime();
    CircuitBreakerRegistry r =
        CircuitBreakerRegistry.builder()
            .clock(clock)
            .globalFuse(new GlobalFuseConfig(true, 0.5, 2))
            .instance(name + "-a", CircuitConfig.defaults())
            .instance(name + "-b", CircuitConfig.defaults())
            .build();

    List<String> lines;
    try (TestLogs.Capture capture = new TestLogs.Capture()) {
      r.breaker(name + "-a").forceOpen();
      r.breaker(name + "-a").close();
      lines = capture.linesWith("name=" + GlobalFuse.NAME + " ");
    }

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains(" WARN ");
    assertThat(value(lines.get(0), "transition")).isEqualTo("CLOSED -> OPEN");
    assertThat(value(lines.get(0), "reason")).isEqualTo("GLOBAL_FUSE");
    assertThat(value(lines.get(0), "open_components")).isEqualTo("1");
    assertThat(value(lines.get(0), "components")).isEqualTo("2");
    assertThat(lines.get(1)).contains(" INFO ");
    assertThat(value(lines.get(1), "transition")).isEqualTo("OPEN -> CLOSED");
  }
}
