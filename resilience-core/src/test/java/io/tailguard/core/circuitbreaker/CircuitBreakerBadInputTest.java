package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad argument a {@link CircuitBreaker} can be given: a clear {@link
 * IllegalArgumentException} naming the argument, never a {@link NullPointerException}, and a
 * refused reconfiguration leaves the old settings in force.
 */
class CircuitBreakerBadInputTest {

  private static final String NAME_RULE =
      "circuit breaker name must be 1 to 128 letters, digits or . _ - : / starting with a letter"
          + " or digit, was ";

  private final FakeClock clock = new FakeClock();

  // ---------------------------------------------------------------------------------------------
  // Names

  static Stream<Arguments> badNames() {
    String tooLong = "a".repeat(129);
    return Stream.of(
        Arguments.of("empty", "", NAME_RULE + "''"),
        Arguments.of("blank", "   ", NAME_RULE + "'   '"),
        Arguments.of("tab", "\t", NAME_RULE + "'?'"),
        Arguments.of("too long", tooLong, NAME_RULE + "'" + "a".repeat(64) + "...'"),
        Arguments.of("newline", "a\nb", NAME_RULE + "'a?b'"),
        Arguments.of("NUL", "a\u0000b", NAME_RULE + "'a?b'"),
        Arguments.of("escape sequence", "a\u001b[31mb", NAME_RULE + "'a?[31mb'"),
        Arguments.of("DEL", "a\u007fb", NAME_RULE + "'a?b'"),
        Arguments.of("leading dot", ".payments", NAME_RULE + "'.payments'"),
        Arguments.of("leading dash", "-payments", NAME_RULE + "'-payments'"),
        Arguments.of("leading slash", "/payments", NAME_RULE + "'/payments'"),
        Arguments.of("space inside", "pay ments", NAME_RULE + "'pay ments'"),
        Arguments.of("trailing space", "payments ", NAME_RULE + "'payments '"),
        Arguments.of("non-ASCII letter", "paiement-é", NAME_RULE + "'paiement-é'"),
        Arguments.of("metric syntax", "a{b=\"c\"}", NAME_RULE + "'a{b=\"c\"}'"),
        Arguments.of("null", null, "circuit breaker name must not be null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNames")
  void refusesBadNamesEverywhereANameIsTaken(String what, String name, String message) {
    List<ThrowingCallable> entryPoints =
        List.of(
            () -> CircuitBreaker.builder(name),
            () -> CircuitBreaker.ofDefaults(name),
            () -> CircuitBreaker.of(name, CircuitConfig.defaults()));
    for (ThrowingCallable entryPoint : entryPoints) {
      assertThatThrownBy(entryPoint)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "7", "payments", "payments.v2:eu-west/1_a", "A-b_c.d:e/f"})
  void acceptsPlainNames(String name) {
    assertThat(CircuitBreaker.ofDefaults(name).name()).isEqualTo(name);
  }

  @Test
  void acceptsANameOfExactly128Characters() {
    String name = "b".repeat(128);

    assertThat(CircuitBreaker.of(name, CircuitConfig.defaults()).name()).isEqualTo(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Null arguments

  private CircuitBreaker breaker() {
    return CircuitBreaker.builder("bad-input")
        .clock(clock)
        .config(CircuitConfig.builder().minCalls(2).openCooldown(Duration.ofSeconds(1)).build())
        .build();
  }

  @Test
  void refusesANullConfig() {
    assertThatThrownBy(() -> CircuitBreaker.of("x", null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("config must not be null");
    assertThatThrownBy(() -> CircuitBreaker.builder("x").config(null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("config must not be null");
  }

  @Test
  void refusesANullClock() {
    assertThatThrownBy(() -> CircuitBreaker.builder("x").clock(null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("clock must not be null");
  }

  @Test
  void refusesANullListener() {
    CircuitBreaker b = breaker();

    assertThatThrownBy(() -> b.subscribe(null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("listener must not be null");
  }

  @Test
  void refusesANullCallableOrSupplierWithoutTakingAPermit() {
    CircuitBreaker b = breaker();

    assertThatThrownBy(() -> b.call((Callable<Object>) null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("callable must not be null");
    assertThatThrownBy(() -> b.get((Supplier<Object>) null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("supplier must not be null");
    assertThatThrownBy(() -> b.callAsync((Supplier<CompletionStage<Object>>) null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("supplier must not be null");

    CircuitMetrics m = b.metrics();
    assertThat(m.successfulCalls() + m.failedCalls() + m.rejectedCalls()).isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // Refused reconfigurations leave the old config in force

  static Stream<Arguments> refusedChanges() {
    return Stream.of(
        Arguments.of(
            "invalid value",
            (UnaryOperator<CircuitConfig.Builder>) c -> c.failureRateThreshold(2),
            "failureRateThreshold must be in (0, 1], was 2"),
        Arguments.of(
            "valid change then invalid value",
            (UnaryOperator<CircuitConfig.Builder>) c -> c.minCalls(7).failureRateThreshold(2),
            "failureRateThreshold must be in (0, 1], was 2"),
        Arguments.of(
            "broken cross-field rule",
            (UnaryOperator<CircuitConfig.Builder>) c -> c.openCooldown(Duration.ofMinutes(10)),
            "maxOpenCooldown must be at least openCooldown (10m), was 5m"),
        Arguments.of(
            "window with buckets under 1ms",
            (UnaryOperator<CircuitConfig.Builder>) c -> c.rollingWindow(Duration.ofMillis(5)),
            "rollingWindow / buckets must be at least 1ms, was rollingWindow=5ms, buckets=10"),
        Arguments.of(
            "zero trial timeout",
            (UnaryOperator<CircuitConfig.Builder>) c -> c.halfOpenTrialTimeout(Duration.ZERO),
            "halfOpenTrialTimeout must be in [1ms, 1d], was 0ms"),
        Arguments.of(
            "negative trial timeout",
            (UnaryOperator<CircuitConfig.Builder>)
                c -> c.halfOpenTrialTimeout(Duration.ofSeconds(-30)),
            "halfOpenTrialTimeout must be in [1ms, 1d], was -30s"),
        Arguments.of(
            "null trial timeout",
            (UnaryOperator<CircuitConfig.Builder>) c -> c.halfOpenTrialTimeout(null),
            "halfOpenTrialTimeout must not be null"),
        Arguments.of(
            "null builder returned",
            (UnaryOperator<CircuitConfig.Builder>) c -> null,
            "the builder returned by changes must not be null"),
        Arguments.of("null changes", null, "changes must not be null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedChanges")
  void aRefusedChangeLeavesTheOldConfigInForce(
      String what, UnaryOperator<CircuitConfig.Builder> changes, String message) {
    CircuitBreaker b = breaker();
    CircuitConfig before = b.config();
    List<CircuitEvent> events = new CopyOnWriteArrayList<>();
    b.subscribe(events::add);

    assertThatThrownBy(() -> b.reconfigure(changes))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);

    assertOldConfigInForce(b, before, events);
  }

  @Test
  void aNullConfigIsRefusedAndLeavesTheOldConfigInForce() {
    CircuitBreaker b = breaker();
    CircuitConfig before = b.config();
    List<CircuitEvent> events = new CopyOnWriteArrayList<>();
    b.subscribe(events::add);

    assertThatThrownBy(() -> b.reconfigure((CircuitConfig) null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("config must not be null");

    assertOldConfigInForce(b, before, events);
  }

  @Test
  void aChangesFunctionThatThrowsLeavesTheOldConfigInForce() {
    CircuitBreaker b = breaker();
    CircuitConfig before = b.config();
    List<CircuitEvent> events = new CopyOnWriteArrayList<>();
    b.subscribe(events::add);
    IllegalStateException thrown = new IllegalStateException("changed my mind");

    assertThatThrownBy(
            () ->
                b.reconfigure(
                    (UnaryOperator<CircuitConfig.Builder>)
                        c -> {
                          c.minCalls(9);
                          throw thrown;
                        }))
        .isSameAs(thrown);

    assertOldConfigInForce(b, before, events);
  }

  private void assertOldConfigInForce(
      CircuitBreaker b, CircuitConfig before, List<CircuitEvent> events) {
    assertThat(b.config()).isSameAs(before);
    assertThat(events).isEmpty();
    // The breaker keeps working with the old settings: minCalls 2, failure rate 0.5.
    b.acquire().success();
    assertThat(b.state()).isEqualTo(CircuitState.CLOSED);
    b.acquire().failure();
    assertThat(b.state()).isEqualTo(CircuitState.OPEN);
    assertThat(b.remainingCooldown()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aValidChangeAfterARefusedOneIsTaken() {
    CircuitBreaker b = breaker();
    assertThatThrownBy(() -> b.reconfigure(c -> c.minCalls(0)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("minCalls must be in [1, 1000000], was 0");

    b.reconfigure(c -> c.minCalls(3));

    assertThat(b.config().minCalls()).isEqualTo(3);
    assertThat(b.config().openCooldown()).isEqualTo(Duration.ofSeconds(1));
  }
}
