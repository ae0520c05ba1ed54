package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every invalid setting, null argument and unknown name of the retry engine gets a clear error. */
class RetryBadInputTest {

  static Arguments bad(Executable action, String message) {
    return Arguments.of(action, message);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        bad(
            () -> RetryPolicy.builder().maxAttempts(0),
            "maxAttempts must be in [1, 1000000], was 0"),
        bad(
            () -> RetryPolicy.builder().maxAttempts(1_000_001),
            "maxAttempts must be in [1, 1000000], was 1000001"),
        bad(() -> RetryPolicy.builder().baseDelay(null), "baseDelay must not be null"),
        bad(
            () -> RetryPolicy.builder().baseDelay(Duration.ofMillis(-1)),
            "baseDelay must be in [0ms, 1d], was -1ms"),
        bad(
            () -> RetryPolicy.builder().baseDelay(Duration.ofDays(2)),
            "baseDelay must be in [0ms, 1d], was 2d"),
        bad(() -> RetryPolicy.builder().maxDelay(null), "maxDelay must not be null"),
        bad(
            () -> RetryPolicy.builder().maxDelay(Duration.ofSeconds(-5)),
            "maxDelay must be in [0ms, 9223372036854775807ns], was -5s"),
        bad(
            () -> RetryPolicy.builder().maxDelay(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1)),
            "maxDelay must be in [0ms, 9223372036854775807ns], was PT2562047H47M16.854775808S"),
        bad(
            () ->
                RetryPolicy.builder()
                    .baseDelay(Duration.ofSeconds(2))
                    .maxDelay(Duration.ofSeconds(1))
                    .build(),
            "maxDelay must be at least baseDelay (2s), was 1s"),
        bad(() -> RetryPolicy.builder().multiplier(0.5), "multiplier must be in [1, 100], was 0.5"),
        bad(() -> RetryPolicy.builder().multiplier(101), "multiplier must be in [1, 100], was 101"),
        bad(
            () -> RetryPolicy.builder().multiplier(Double.NaN),
            "multiplier must be in [1, 100], was NaN"),
        bad(
            () -> RetryPolicy.builder().multiplier(Double.POSITIVE_INFINITY),
            "multiplier must be in [1, 100], was Infinity"),
        bad(
            () -> RetryPolicy.builder().jitter(null),
            "jitter must be one of [NONE, FULL, EQUAL, DECORRELATED], was null"),
        bad(
            () -> RetryPolicy.builder().retryableExceptions(null),
            "retryableExceptions must not be null"),
        bad(
            () -> RetryPolicy.builder().retryableExceptions(Arrays.asList(IOException.class, null)),
            "retryableExceptions must not contain null, was null at 1"),
        bad(
            () -> RetryPolicy.builder().nonRetryableExceptions(null),
            "nonRetryableExceptions must not be null"),
        bad(
            () ->
                RetryPolicy.builder()
                    .nonRetryableExceptions(Arrays.asList((Class<? extends Throwable>) null)),
            "nonRetryableExceptions must not contain null, was null at 0"),
        bad(
            () ->
                RetryPolicy.builder()
                    .retryableExceptions(List.of(IOException.class))
                    .nonRetryableExceptions(List.of(IOException.class))
                    .build(),
            "an exception type must not be both retryable and non-retryable, was"
                + " java.io.IOException in retryableExceptions and nonRetryableExceptions"),
        bad(
            () -> RetryPolicy.builder().unacceptableResult(null),
            "unacceptableResult must not be null"),
        bad(
            () -> RetryPolicy.builder().retryableStatuses(null),
            "retryableStatuses must not be null"),
        bad(
            () -> RetryPolicy.builder().retryableStatuses(Arrays.asList(503, null)),
            "retryableStatuses must not contain null, was null at 1"),
        bad(
            () -> RetryPolicy.builder().retryableStatuses(List.of(99)),
            "retryableStatuses must be HTTP status codes in [100, 599], was 99 at 0"),
        bad(
            () -> RetryPolicy.builder().retryableStatuses(List.of(503, 600)),
            "retryableStatuses must be HTTP status codes in [100, 599], was 600 at 1"),
        bad(
            () -> RetryPolicy.builder().retryableMethods(null),
            "retryableMethods must not be null"),
        bad(
            () -> RetryPolicy.builder().retryableMethods(Arrays.asList("GET", null)),
            "retryableMethods must not contain null, was null at 1"),
        bad(
            () -> RetryPolicy.builder().retryableMethods(List.of("GET", "")),
            "retryableMethods must be HTTP method names (letters, digits, - and _), was"
                + " '' at 1"),
        bad(
            () -> RetryPolicy.builder().retryableMethods(List.of("GE T")),
            "retryableMethods must be HTTP method names (letters, digits, - and _), was"
                + " 'GE T' at 0"),
        bad(
            () -> RetryPolicy.builder().retryableMethods(List.of("GET,POST")),
            "retryableMethods must be HTTP method names (letters, digits, - and _), was"
                + " 'GET,POST' at 0"),
        bad(() -> RetryPolicy.builder().budget(0), "budget must be in (0, 1], was 0"),
        bad(() -> RetryPolicy.builder().budget(1.5), "budget must be in (0, 1], was 1.5"),
        bad(() -> RetryPolicy.builder().budget(Double.NaN), "budget must be in (0, 1], was NaN"),
        bad(
            () -> RetryPolicy.builder().minRetriesPerSecond(-1),
            "minRetriesPerSecond must be in [0, 1000000], was -1"),
        bad(
            () -> RetryPolicy.builder().minRetriesPerSecond(2e6),
            "minRetriesPerSecond must be in [0, 1000000], was 2000000"),
        bad(
            () -> RetryPolicy.builder().minRetriesPerSecond(Double.NaN),
            "minRetriesPerSecond must be in [0, 1000000], was NaN"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidSettings")
  void invalidSettingsAreRefusedWithFieldRangeAndValue(Executable action, String message) {
    assertThatThrownBy(action::execute)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void boundaryValuesAreAccepted() {
    RetryPolicy p =
        RetryPolicy.builder()
            .maxAttempts(1)
            .baseDelay(Duration.ZERO)
            .maxDelay(Duration.ZERO)
            .multiplier(1)
            .retryableStatuses(List.of())
            .budget(1)
            .minRetriesPerSecond(0)
            .build();
    assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
    RetryPolicy q =
        RetryPolicy.builder()
            .maxAttempts(1_000_000)
            .baseDelay(Duration.ofDays(1))
            .maxDelay(RetryPolicy.MAX_DELAY_LIMIT)
            .multiplier(100)
            .retryableStatuses(List.of(100, 599))
            .minRetriesPerSecond(1_000_000)
            .build();
    assertThat(q.retryableStatuses()).containsExactly(100, 599);
    assertThat(q).isNotEqualTo(p);
  }

  @Test
  void invalidNamesAndNullArgumentsAreRefusedAndTheRetrierKeepsWorking() throws Exception {
    FakeClock clock = new FakeClock();
    assertThatThrownBy(() -> Retrier.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retrier name must not be null");
    assertThatThrownBy(() -> Retrier.builder("bad name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retrier name must be 1 to 128 letters")
        .hasMessageEndingWith("was 'bad name'");
    Retrier.Builder b = Retrier.builder("x");
    List<Executable> nulls =
        List.of(
            () -> b.policy(null),
            () -> b.clock(null),
            () -> b.scheduler(null),
            () -> b.executor(null),
            () -> b.sleeper(null),
            () -> b.random(null),
            () -> b.statusExtractor(null),
            () -> b.recorder(null));
    List<String> fields =
        List.of(
            "policy",
            "clock",
            "scheduler",
            "executor",
            "sleeper",
            "random",
            "statusExtractor",
            "recorder");
    for (int i = 0; i < nulls.size(); i++) {
      assertThatThrownBy(nulls.get(i)::execute)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(fields.get(i) + " must not be null");
    }
    assertThatThrownBy(() -> b.closeGrace(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("closeGrace must be in [0ms, 1h], was -1s");

    Retrier r = Retrier.builder("ok").clock(clock).scheduler(clock).build();
    assertThatThrownBy(() -> r.call((Callable<String>) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callable must not be null");
    assertThatThrownBy(() -> r.callAsync(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("supplier must not be null");
    assertThatThrownBy(() -> r.reconfigure((RetryPolicy) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy must not be null");
    assertThatThrownBy(() -> r.reconfigure(p -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the builder returned by changes must not be null");
    assertThatThrownBy(() -> r.reconfigure(p -> p.maxAttempts(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be in [1, 1000000], was 0");
    assertThatThrownBy(() -> r.reconfigure(p -> p.baseDelay(Duration.ofMinutes(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay must be at least baseDelay (1m), was 5s");
    assertThatThrownBy(() -> r.subscribe(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("listener must not be null");
    assertThat(r.policy()).isEqualTo(RetryPolicy.defaults()); // the old policy stays
    // and the retrier still works
    assertThat(r.call(() -> "fine")).isEqualTo("fine");
    assertThat(r.callAsync(() -> CompletableFuture.completedFuture("fine")))
        .isCompletedWithValue("fine");
  }

  @Test
  void backoffAndPolicyHelpersRefuseNulls() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThatThrownBy(() -> Backoff.delayNanos(null, 1, 0, new Random()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy must not be null");
    assertThatThrownBy(() -> Backoff.delayNanos(p, 1, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("random must not be null");
    assertThatThrownBy(() -> Backoff.delayNanos(p, 0, 0, new Random()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry must be in [1, 2147483647], was 0");
    assertThatThrownBy(() -> Backoff.exponentialNanos(p, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retry must be in [1, 2147483647], was -1");
    assertThatThrownBy(() -> p.isRetryable(null, OptionalInt.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failure must not be null");
    assertThatThrownBy(() -> p.isRetryable(new IOException(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("httpStatus must not be null");
    assertThatThrownBy(() -> HttpStatusExtractor.composite(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extractors must not be null");
    assertThatThrownBy(
            () -> HttpStatusExtractor.composite(Arrays.asList(HttpStatusExtractor.carrier(), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("extractors must not contain null, was null at 1");
  }

  @Test
  void registriesRefuseInvalidAndUnknownNames() {
    FakeClock clock = new FakeClock();
    try (RetryRegistry lenient = RetryRegistry.builder().clock(clock).scheduler(clock).build();
        RetryRegistry strict =
            RetryRegistry.builder().clock(clock).scheduler(clock).strict(true).build()) {
      assertThatThrownBy(() -> lenient.retrier(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("retrier name must not be null");
      assertThatThrownBy(() -> lenient.retrier("a b"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("retrier name must be 1 to 128 letters");
      assertThatThrownBy(() -> strict.retrier("payments"))
          .isInstanceOf(UnknownInstanceException.class)
          .hasMessage(
              "unknown retrier 'payments': the registry is strict and knows only [default,"
                  + " expensive]");
      assertThatThrownBy(() -> lenient.reconfigure("x", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("policy must not be null");
      assertThatThrownBy(() -> lenient.reconfigure("", RetryPolicy.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("retrier name must be 1 to 128 letters");
      assertThatThrownBy(() -> lenient.reconfigureDefaults(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("policy must not be null");
      assertThatThrownBy(() -> lenient.remove("default"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the 'default' retrier holds the defaults and cannot be removed");
      assertThatThrownBy(() -> lenient.onAdded(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("hook must not be null");
      assertThatThrownBy(() -> lenient.onRemoved(null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("hook must not be null");
      assertThat(lenient.find(null)).isEmpty();
      assertThat(lenient.remove(null)).isEmpty();
    }
    RetryRegistry.Builder b = RetryRegistry.builder();
    assertThatThrownBy(() -> b.policy("ok", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policies.ok must not be null");
    assertThatThrownBy(() -> b.policy("no good", RetryPolicy.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retrier name must be 1 to 128 letters");
    assertThatThrownBy(() -> b.defaults(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaults must not be null");
    assertThatThrownBy(() -> b.policies(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policies must not be null");
    assertThatThrownBy(() -> b.statusExtractor(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statusExtractor must not be null");
    assertThatThrownBy(() -> b.executor(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor must not be null");
  }
}
