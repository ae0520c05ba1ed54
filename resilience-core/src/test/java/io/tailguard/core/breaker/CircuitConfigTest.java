package io.tailguard.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.tailguard.core.HealthStatus;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of {@link CircuitConfig}, {@link AdaptiveThreshold} and {@link GlobalFuseConfig}:
 * boundaries accepted, every invalid value refused with the exact message, the cross-field rules of
 * {@code build()}, the documented defaults, {@code toBuilder()}, equality and {@code toMap()}.
 */
class CircuitConfigTest {

  private static final Duration ONE_DAY = Duration.ofDays(1);
  private static final Duration SEVEN_DAYS = Duration.ofDays(7);
  private static final Duration ONE_MS = Duration.ofMillis(1);
  private static final Duration JUST_UNDER_1MS = Duration.ofNanos(999_999);
  // Too long for a long of nanoseconds: printed in ISO-8601.
  private static final Duration HUGE = Duration.ofDays(365_000);

  // ---------------------------------------------------------------------------------------------
  // Values each setter accepts

  static Stream<Arguments> acceptedValues() {
    return Stream.of(
        accepted(
            "rollingWindow",
            b -> b.rollingWindow(ONE_MS).buckets(1),
            c -> c.rollingWindow(),
            ONE_MS),
        accepted("rollingWindow", b -> b.rollingWindow(ONE_DAY), c -> c.rollingWindow(), ONE_DAY),
        accepted("buckets", b -> b.buckets(1), c -> c.buckets(), 1),
        accepted("buckets", b -> b.buckets(1000), c -> c.buckets(), 1000),
        accepted("minCalls", b -> b.minCalls(1), c -> c.minCalls(), 1),
        accepted("minCalls", b -> b.minCalls(1_000_000), c -> c.minCalls(), 1_000_000),
        accepted(
            "failureRateThreshold",
            b -> b.failureRateThreshold(Double.MIN_VALUE),
            c -> c.failureRateThreshold(),
            Double.MIN_VALUE),
        accepted(
            "failureRateThreshold",
            b -> b.failureRateThreshold(1.0),
            c -> c.failureRateThreshold(),
            1.0),
        accepted(
            "consecutiveFailuresThreshold",
            b -> b.consecutiveFailuresThreshold(0),
            c -> c.consecutiveFailuresThreshold(),
            0),
        accepted(
            "consecutiveFailuresThreshold",
            b -> b.consecutiveFailuresThreshold(1_000_000),
            c -> c.consecutiveFailuresThreshold(),
            1_000_000),
        accepted(
            "slowCallDuration", b -> b.slowCallDuration(ONE_MS), c -> c.slowCallDuration(), ONE_MS),
        accepted(
            "slowCallDuration",
            b -> b.slowCallDuration(ONE_DAY),
            c -> c.slowCallDuration(),
            ONE_DAY),
        accepted(
            "slowCallRateThreshold",
            b -> b.slowCallRateThreshold(Double.MIN_VALUE),
            c -> c.slowCallRateThreshold(),
            Double.MIN_VALUE),
        accepted(
            "slowCallRateThreshold",
            b -> b.slowCallRateThreshold(1.0),
            c -> c.slowCallRateThreshold(),
            1.0),
        accepted("openCooldown", b -> b.openCooldown(ONE_MS), c -> c.openCooldown(), ONE_MS),
        accepted(
            "openCooldown",
            b -> b.openCooldown(ONE_DAY).maxOpenCooldown(ONE_DAY),
            c -> c.openCooldown(),
            ONE_DAY),
        accepted(
            "maxOpenCooldown",
            b -> b.openCooldown(ONE_MS).maxOpenCooldown(ONE_MS),
            c -> c.maxOpenCooldown(),
            ONE_MS),
        accepted(
            "maxOpenCooldown",
            b -> b.maxOpenCooldown(SEVEN_DAYS),
            c -> c.maxOpenCooldown(),
            SEVEN_DAYS),
        accepted(
            "halfOpenMaxConcurrent",
            b -> b.halfOpenMaxConcurrent(1),
            c -> c.halfOpenMaxConcurrent(),
            1),
        accepted(
            "halfOpenMaxConcurrent",
            b -> b.halfOpenMaxConcurrent(1000),
            c -> c.halfOpenMaxConcurrent(),
            1000),
        accepted(
            "halfOpenRequiredSuccesses",
            b -> b.halfOpenRequiredSuccesses(1),
            c -> c.halfOpenRequiredSuccesses(),
            1),
        accepted(
            "halfOpenRequiredSuccesses",
            b -> b.halfOpenRequiredSuccesses(1000),
            c -> c.halfOpenRequiredSuccesses(),
            1000),
        accepted(
            "halfOpenAllowedFailures",
            b -> b.halfOpenAllowedFailures(0),
            c -> c.halfOpenAllowedFailures(),
            0),
        accepted(
            "halfOpenAllowedFailures",
            b -> b.halfOpenAllowedFailures(1000),
            c -> c.halfOpenAllowedFailures(),
            1000),
        accepted(
            "halfOpenTrialTimeout",
            b -> b.halfOpenTrialTimeout(ONE_MS),
            c -> c.halfOpenTrialTimeout(),
            Optional.of(ONE_MS)),
        accepted(
            "halfOpenTrialTimeout",
            b -> b.halfOpenTrialTimeout(ONE_DAY),
            c -> c.halfOpenTrialTimeout(),
            Optional.of(ONE_DAY)),
        accepted(
            "halfOpenTrialTimeout",
            b -> b.halfOpenTrialTimeout(ONE_DAY).halfOpenTrialTimeoutFromSlowCallDuration(),
            c -> c.halfOpenTrialTimeout(),
            Optional.empty()),
        accepted(
            "sampleWeighting",
            b -> b.sampleWeighting(SampleWeighting.SLIDING),
            c -> c.sampleWeighting(),
            SampleWeighting.SLIDING),
        accepted(
            "sampleWeighting",
            b -> b.sampleWeighting(SampleWeighting.EXPONENTIAL),
            c -> c.sampleWeighting(),
            SampleWeighting.EXPONENTIAL),
        accepted(
            "ewmaAlpha", b -> b.ewmaAlpha(Double.MIN_VALUE), c -> c.ewmaAlpha(), Double.MIN_VALUE),
        accepted("ewmaAlpha", b -> b.ewmaAlpha(1.0), c -> c.ewmaAlpha(), 1.0),
        accepted(
            "adaptiveThreshold",
            b -> b.adaptiveThreshold(AdaptiveThreshold.enabled(2.5)),
            c -> c.adaptiveThreshold(),
            new AdaptiveThreshold(true, 2.5, 0.1)),
        accepted("minHealthScore", b -> b.minHealthScore(0.0), c -> c.minHealthScore(), 0.0),
        accepted("minHealthScore", b -> b.minHealthScore(1.0), c -> c.minHealthScore(), 1.0),
        accepted(
            "criticalHealthScore",
            b -> b.criticalHealthScore(0.0),
            c -> c.criticalHealthScore(),
            0.0),
        accepted(
            "criticalHealthScore",
            b -> b.minHealthScore(1.0).criticalHealthScore(1.0),
            c -> c.criticalHealthScore(),
            1.0),
        accepted(
            "openHealthStatus",
            b -> b.openHealthStatus(HealthStatus.DEGRADED),
            c -> c.openHealthStatus(),
            HealthStatus.DEGRADED),
        accepted(
            "openHealthStatus",
            b -> b.openHealthStatus(HealthStatus.DOWN),
            c -> c.openHealthStatus(),
            HealthStatus.DOWN),
        accepted(
            "recordExceptions",
            b -> b.recordExceptions(IOException.class),
            c -> c.recordExceptions(),
            List.of(IOException.class)),
        accepted(
            "recordExceptions",
            b -> b.recordExceptions(List.of()),
            c -> c.recordExceptions(),
            List.of()),
        accepted(
            "ignoreExceptions",
            b -> b.ignoreExceptions(IllegalStateException.class, TimeoutException.class),
            c -> c.ignoreExceptions(),
            List.of(IllegalStateException.class, TimeoutException.class)),
        accepted(
            "ignoreExceptions",
            b -> b.ignoreExceptions(List.of()),
            c -> c.ignoreExceptions(),
            List.of()));
  }

  private static Arguments accepted(
      String field,
      UnaryOperator<CircuitConfig.Builder> set,
      Function<CircuitConfig, Object> get,
      Object expected) {
    return Arguments.of(field + " = " + expected, set, get, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedValues")
  void acceptsBoundaryValues(
      String description,
      UnaryOperator<CircuitConfig.Builder> set,
      Function<CircuitConfig, Object> get,
      Object expected) {
    CircuitConfig config = set.apply(CircuitConfig.builder()).build();

    assertThat(get.apply(config)).isEqualTo(expected);
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  // ---------------------------------------------------------------------------------------------
  // Values each setter refuses, with the exact message

  static Stream<Arguments> refusedValues() {
    List<Arguments> all = new ArrayList<>();
    durations(
        all,
        "rollingWindow",
        CircuitConfig.Builder::rollingWindow,
        "[1ms, 1d]",
        ONE_DAY.plusNanos(1),
        "86400000000001ns");
    ints(all, "buckets", CircuitConfig.Builder::buckets, 1, 1000);
    ints(all, "minCalls", CircuitConfig.Builder::minCalls, 1, 1_000_000);
    openClosedRates(all, "failureRateThreshold", CircuitConfig.Builder::failureRateThreshold);
    ints(
        all,
        "consecutiveFailuresThreshold",
        CircuitConfig.Builder::consecutiveFailuresThreshold,
        0,
        1_000_000);
    durations(
        all,
        "slowCallDuration",
        CircuitConfig.Builder::slowCallDuration,
        "[1ms, 1d]",
        ONE_DAY.plusNanos(1),
        "86400000000001ns");
    openClosedRates(all, "slowCallRateThreshold", CircuitConfig.Builder::slowCallRateThreshold);
    durations(
        all,
        "openCooldown",
        CircuitConfig.Builder::openCooldown,
        "[1ms, 1d]",
        ONE_DAY.plusNanos(1),
        "86400000000001ns");
    durations(
        all,
        "maxOpenCooldown",
        CircuitConfig.Builder::maxOpenCooldown,
        "[1ms, 7d]",
        SEVEN_DAYS.plusNanos(1),
        "604800000000001ns");
    ints(all, "halfOpenMaxConcurrent", CircuitConfig.Builder::halfOpenMaxConcurrent, 1, 1000);
    ints(
        all,
        "halfOpenRequiredSuccesses",
        CircuitConfig.Builder::halfOpenRequiredSuccesses,
        1,
        1000);
    ints(all, "halfOpenAllowedFailures", CircuitConfig.Builder::halfOpenAllowedFailures, 0, 1000);
    durations(
        all,
        "halfOpenTrialTimeout",
        CircuitConfig.Builder::halfOpenTrialTimeout,
        "[1ms, 1d]",
        ONE_DAY.plusNanos(1),
        "86400000000001ns");
    refused(
        all,
        "sampleWeighting",
        b -> b.sampleWeighting(null),
        "sampleWeighting must be one of [SLIDING, EXPONENTIAL], was null");
    openClosedRates(all, "ewmaAlpha", CircuitConfig.Builder::ewmaAlpha);
    refused(
        all,
        "adaptiveThreshold",
        b -> b.adaptiveThreshold(null),
        "adaptiveThreshold must not be null");
    closedScores(all, "minHealthScore", CircuitConfig.Builder::minHealthScore);
    closedScores(all, "criticalHealthScore", CircuitConfig.Builder::criticalHealthScore);
    refused(
        all,
        "openHealthStatus",
        b -> b.openHealthStatus(HealthStatus.UP),
        "openHealthStatus must be one of [DEGRADED, DOWN], was UP");
    refused(
        all,
        "openHealthStatus",
        b -> b.openHealthStatus(null),
        "openHealthStatus must be one of [DEGRADED, DOWN], was null");
    exceptionLists(
        all,
        "recordExceptions",
        CircuitConfig.Builder::recordExceptions,
        CircuitConfig.Builder::recordExceptions);
    exceptionLists(
        all,
        "ignoreExceptions",
        CircuitConfig.Builder::ignoreExceptions,
        CircuitConfig.Builder::ignoreExceptions);
    return all.stream();
  }

  private interface DurationSetter {
    CircuitConfig.Builder set(CircuitConfig.Builder b, Duration d);
  }

  private interface IntSetter {
    CircuitConfig.Builder set(CircuitConfig.Builder b, int value);
  }

  private interface DoubleSetter {
    CircuitConfig.Builder set(CircuitConfig.Builder b, double value);
  }

  private interface ArraySetter {
    CircuitConfig.Builder set(CircuitConfig.Builder b, Class<? extends Throwable>[] types);
  }

  private interface CollectionSetter {
    CircuitConfig.Builder set(
        CircuitConfig.Builder b, Collection<Class<? extends Throwable>> types);
  }

  private static void durations(
      List<Arguments> all,
      String field,
      DurationSetter setter,
      String range,
      Duration justAbove,
      String justAboveText) {
    String prefix = field + " must be in " + range + ", was ";
    refused(all, field, b -> setter.set(b, null), field + " must not be null");
    refused(all, field, b -> setter.set(b, Duration.ZERO), prefix + "0ms");
    refused(all, field, b -> setter.set(b, Duration.ofNanos(-1)), prefix + "-1ns");
    refused(all, field, b -> setter.set(b, Duration.ofMillis(-1)), prefix + "-1ms");
    refused(all, field, b -> setter.set(b, JUST_UNDER_1MS), prefix + "999999ns");
    refused(all, field, b -> setter.set(b, justAbove), prefix + justAboveText);
    refused(all, field, b -> setter.set(b, HUGE), prefix + HUGE);
  }

  private static void ints(List<Arguments> all, String field, IntSetter setter, int lo, int hi) {
    String prefix = field + " must be in [" + lo + ", " + hi + "], was ";
    Set<Integer> bad =
        new LinkedHashSet<>(List.of(lo - 1, -1, hi + 1, Integer.MIN_VALUE, Integer.MAX_VALUE));
    for (int value : bad) {
      refused(all, field, b -> setter.set(b, value), prefix + value);
    }
  }

  private static void openClosedRates(List<Arguments> all, String field, DoubleSetter setter) {
    String prefix = field + " must be in (0, 1], was ";
    refused(all, field, b -> setter.set(b, 0.0), prefix + "0");
    refused(all, field, b -> setter.set(b, -0.0), prefix + "0");
    refused(all, field, b -> setter.set(b, -0.5), prefix + "-0.5");
    refused(all, field, b -> setter.set(b, Math.nextUp(1.0)), prefix + "1.0000000000000002");
    refused(all, field, b -> setter.set(b, 1.5), prefix + "1.5");
    refused(all, field, b -> setter.set(b, 2), prefix + "2");
    refused(all, field, b -> setter.set(b, Double.NaN), prefix + "NaN");
    refused(all, field, b -> setter.set(b, Double.POSITIVE_INFINITY), prefix + "Infinity");
    refused(all, field, b -> setter.set(b, Double.NEGATIVE_INFINITY), prefix + "-Infinity");
  }

  private static void closedScores(List<Arguments> all, String field, DoubleSetter setter) {
    String prefix = field + " must be in [0, 1], was ";
    refused(all, field, b -> setter.set(b, Math.nextDown(0.0)), prefix + "-4.9E-324");
    refused(all, field, b -> setter.set(b, -0.1), prefix + "-0.1");
    refused(all, field, b -> setter.set(b, Math.nextUp(1.0)), prefix + "1.0000000000000002");
    refused(all, field, b -> setter.set(b, 1.1), prefix + "1.1");
    refused(all, field, b -> setter.set(b, Double.NaN), prefix + "NaN");
    refused(all, field, b -> setter.set(b, Double.POSITIVE_INFINITY), prefix + "Infinity");
    refused(all, field, b -> setter.set(b, Double.NEGATIVE_INFINITY), prefix + "-Infinity");
  }

  @SuppressWarnings("unchecked") // an array of Class<?> holding only nulls and Throwable types
  private static Class<? extends Throwable>[] types(Class<?>... types) {
    return (Class<? extends Throwable>[]) types;
  }

  private static void exceptionLists(
      List<Arguments> all, String field, ArraySetter array, CollectionSetter collection) {
    refused(all, field, b -> array.set(b, null), field + " must not be null");
    refused(all, field, b -> collection.set(b, null), field + " must not be null");
    refused(
        all,
        field,
        b -> array.set(b, types((Class<?>) null)),
        field + " must not contain null, was null at 0");
    refused(
        all,
        field,
        b -> array.set(b, types(IOException.class, null)),
        field + " must not contain null, was null at 1");
    refused(
        all,
        field,
        b -> collection.set(b, Arrays.asList(IOException.class, IOException.class, null)),
        field + " must not contain null, was null at 2");
  }

  private static void refused(
      List<Arguments> all, String field, UnaryOperator<CircuitConfig.Builder> set, String message) {
    all.add(Arguments.of(field + ": " + message, set, message));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedValues")
  void refusesInvalidValuesAtOnceWithAnExactMessage(
      String description, UnaryOperator<CircuitConfig.Builder> set, String message) {
    CircuitConfig.Builder builder = CircuitConfig.builder();

    assertThatThrownBy(() -> set.apply(builder))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    // The refused value left no trace: the builder still builds the defaults.
    assertThat(builder.build()).isEqualTo(CircuitConfig.defaults());
  }

  @Test
  void aRefusedValueKeepsTheEarlierValueOfThatField() {
    CircuitConfig.Builder builder = CircuitConfig.builder().failureRateThreshold(0.25);

    assertThatThrownBy(() -> builder.failureRateThreshold(1.5))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(builder.build().failureRateThreshold()).isEqualTo(0.25);
  }

  // ---------------------------------------------------------------------------------------------
  // Rules between fields, checked by build()

  @Nested
  class CrossFieldRules {

    @Test
    void bucketsOfExactlyOneMillisecondAreAccepted() {
      CircuitConfig c =
          CircuitConfig.builder().rollingWindow(Duration.ofSeconds(1)).buckets(1000).build();

      assertThat(c.bucketNanos()).isEqualTo(1_000_000L);
    }

    @Test
    void bucketsShorterThanOneMillisecondAreRefused() {
      CircuitConfig.Builder builder =
          CircuitConfig.builder().rollingWindow(Duration.ofMillis(999)).buckets(1000);

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "rollingWindow / buckets must be at least 1ms, was rollingWindow=999ms,"
                  + " buckets=1000");
    }

    @Test
    void theSmallestWindowWithTwoBucketsIsRefused() {
      CircuitConfig.Builder builder = CircuitConfig.builder().rollingWindow(ONE_MS).buckets(2);

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "rollingWindow / buckets must be at least 1ms, was rollingWindow=1ms,"
                  + " buckets=2");
    }

    @Test
    void theDefaultBucketCountWithAShortWindowIsRefused() {
      // 9ms / 10 buckets: each setter is fine alone, the pair is not.
      CircuitConfig.Builder builder = CircuitConfig.builder().rollingWindow(Duration.ofMillis(9));

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "rollingWindow / buckets must be at least 1ms, was rollingWindow=9ms,"
                  + " buckets=10");
    }

    @Test
    void maxOpenCooldownEqualToOpenCooldownIsAccepted() {
      CircuitConfig c = CircuitConfig.builder().openCooldown(Duration.ofMinutes(5)).build();

      assertThat(c.openCooldown()).isEqualTo(c.maxOpenCooldown());
    }

    @Test
    void maxOpenCooldownBelowOpenCooldownIsRefused() {
      CircuitConfig.Builder builder = CircuitConfig.builder().openCooldown(Duration.ofMinutes(10));

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxOpenCooldown must be at least openCooldown (10m), was 5m");
    }

    @Test
    void maxOpenCooldownOneNanosecondBelowOpenCooldownIsRefused() {
      CircuitConfig.Builder builder =
          CircuitConfig.builder()
              .openCooldown(Duration.ofSeconds(2))
              .maxOpenCooldown(Duration.ofSeconds(2).minusNanos(1));

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxOpenCooldown must be at least openCooldown (2s), was 1999999999ns");
    }

    @Test
    void criticalHealthScoreEqualToMinHealthScoreIsAccepted() {
      CircuitConfig c =
          CircuitConfig.builder().minHealthScore(0.6).criticalHealthScore(0.6).build();

      assertThat(c.criticalHealthScore()).isEqualTo(0.6);
    }

    @Test
    void criticalHealthScoreAboveMinHealthScoreIsRefused() {
      CircuitConfig.Builder builder = CircuitConfig.builder().criticalHealthScore(0.75);

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("criticalHealthScore must be in [0, minHealthScore (0.5)], was 0.75");
    }

    @Test
    void criticalHealthScoreAboveAZeroMinHealthScoreIsRefused() {
      CircuitConfig.Builder builder =
          CircuitConfig.builder().minHealthScore(0).criticalHealthScore(0.1);

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("criticalHealthScore must be in [0, minHealthScore (0)], was 0.1");
    }

    @Test
    void aTypeBothRecordedAndIgnoredIsRefused() {
      CircuitConfig.Builder builder =
          CircuitConfig.builder()
              .recordExceptions(TimeoutException.class, IOException.class)
              .ignoreExceptions(IOException.class);

      assertThatThrownBy(builder::build)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "an exception type must not be both recorded and ignored, was java.io.IOException"
                  + " in recordExceptions and ignoreExceptions");
    }

    @Test
    void recordingATypeAndIgnoringASubtypeIsAccepted() {
      CircuitConfig c =
          CircuitConfig.builder()
              .recordExceptions(IOException.class)
              .ignoreExceptions(FileNotFoundException.class)
              .build();

      assertThat(c.isIgnored(new FileNotFoundException())).isTrue();
      assertThat(c.isRecorded(new IOException())).isTrue();
      assertThat(c.isRecorded(new IllegalStateException())).isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Defaults: the table of docs/circuit-breaker.md

  @Test
  void defaultsAreTheDocumentedOnes() {
    CircuitConfig c = CircuitConfig.defaults();

    assertThat(c.rollingWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.buckets()).isEqualTo(10);
    assertThat(c.minCalls()).isEqualTo(20);
    assertThat(c.failureRateThreshold()).isEqualTo(0.5);
    assertThat(c.consecutiveFailuresThreshold()).isZero();
    assertThat(c.slowCallDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.slowCallRateThreshold()).isEqualTo(1.0);
    assertThat(c.openCooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxOpenCooldown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.halfOpenMaxConcurrent()).isEqualTo(5);
    assertThat(c.halfOpenRequiredSuccesses()).isEqualTo(5);
    assertThat(c.halfOpenAllowedFailures()).isZero();
    assertThat(c.halfOpenTrialTimeout()).isEmpty();
    assertThat(c.effectiveHalfOpenTrialTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.sampleWeighting()).isEqualTo(SampleWeighting.SLIDING);
    assertThat(c.ewmaAlpha()).isEqualTo(0.3);
    assertThat(c.adaptiveThreshold().enabled()).isFalse();
    assertThat(c.adaptiveThreshold().sensitivity()).isEqualTo(3.0);
    assertThat(c.adaptiveThreshold().floor()).isEqualTo(0.1);
    assertThat(c.minHealthScore()).isEqualTo(0.5);
    assertThat(c.criticalHealthScore()).isZero();
    assertThat(c.openHealthStatus()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(c.recordExceptions()).isEmpty();
    assertThat(c.ignoreExceptions()).isEmpty();
    assertThat(c.bucketNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  void theTrialTimeoutFollowsTheSlowCallDurationUntilItIsSet() {
    CircuitConfig following =
        CircuitConfig.builder().slowCallDuration(Duration.ofMillis(1500)).build();
    CircuitConfig set = following.toBuilder().halfOpenTrialTimeout(Duration.ofSeconds(5)).build();

    assertThat(following.effectiveHalfOpenTrialTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(set.effectiveHalfOpenTrialTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(set.toBuilder().slowCallDuration(Duration.ofSeconds(9)).build())
        .extracting(CircuitConfig::effectiveHalfOpenTrialTimeout)
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(set.toBuilder().halfOpenTrialTimeoutFromSlowCallDuration().build())
        .isEqualTo(following);
  }

  @Test
  void defaultsEqualAFreshBuilder() {
    assertThat(CircuitConfig.builder().build()).isEqualTo(CircuitConfig.defaults());
    assertThat(CircuitConfig.defaults().toBuilder().build()).isEqualTo(CircuitConfig.defaults());
    assertThat(AdaptiveThreshold.DISABLED).isEqualTo(CircuitConfig.defaults().adaptiveThreshold());
  }

  @Test
  void globalFuseDefaultsAreTheDocumentedOnes() {
    assertThat(GlobalFuseConfig.DEFAULTS).isEqualTo(new GlobalFuseConfig(true, 0.5, 3));
    assertThat(GlobalFuseConfig.DISABLED.enabled()).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // toBuilder, equals, hashCode, toMap

  /** Every field away from its default, and valid together. */
  private static CircuitConfig everythingChanged() {
    return CircuitConfig.builder()
        .rollingWindow(Duration.ofSeconds(20))
        .buckets(20)
        .minCalls(7)
        .failureRateThreshold(0.3)
        .consecutiveFailuresThreshold(4)
        .slowCallDuration(Duration.ofMillis(1500))
        .slowCallRateThreshold(0.8)
        .openCooldown(Duration.ofSeconds(5))
        .maxOpenCooldown(Duration.ofMinutes(1))
        .halfOpenMaxConcurrent(3)
        .halfOpenRequiredSuccesses(2)
        .halfOpenAllowedFailures(1)
        .halfOpenTrialTimeout(Duration.ofSeconds(3))
        .sampleWeighting(SampleWeighting.EXPONENTIAL)
        .ewmaAlpha(0.2)
        .adaptiveThreshold(new AdaptiveThreshold(true, 2.0, 0.05))
        .minHealthScore(0.6)
        .criticalHealthScore(0.2)
        .openHealthStatus(HealthStatus.DOWN)
        .recordExceptions(IOException.class, TimeoutException.class)
        .ignoreExceptions(IllegalStateException.class)
        .build();
  }

  @Test
  void toBuilderRoundTripsEveryField() {
    CircuitConfig c = everythingChanged();

    CircuitConfig copy = c.toBuilder().build();

    assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(copy.toMap()).isEqualTo(c.toMap());
    assertThat(copy).hasToString(c.toString());
  }

  @Test
  void toBuilderLeavesTheOriginalUntouched() {
    CircuitConfig c = everythingChanged();
    Map<String, Object> before = c.toMap();

    CircuitConfig changed = c.toBuilder().minCalls(99).recordExceptions(List.of()).build();

    assertThat(c.toMap()).isEqualTo(before);
    assertThat(changed.minCalls()).isEqualTo(99);
    assertThat(changed.recordExceptions()).isEmpty();
    assertThat(c.recordExceptions()).containsExactly(IOException.class, TimeoutException.class);
  }

  @Test
  void exceptionListsAreCopiedDeduplicatedAndUnmodifiable() {
    List<Class<? extends Throwable>> types = new ArrayList<>();
    types.add(IOException.class);
    types.add(IOException.class);
    types.add(TimeoutException.class);
    CircuitConfig c = CircuitConfig.builder().recordExceptions(types).build();

    types.add(IllegalStateException.class);

    assertThat(c.recordExceptions()).containsExactly(IOException.class, TimeoutException.class);
    assertThatThrownBy(() -> c.recordExceptions().add(Error.class))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.ignoreExceptions().add(Error.class))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  static Stream<Arguments> singleChanges() {
    return Stream.<Map.Entry<String, UnaryOperator<CircuitConfig.Builder>>>of(
            Map.entry("rollingWindow", b -> b.rollingWindow(Duration.ofSeconds(11))),
            Map.entry("buckets", b -> b.buckets(5)),
            Map.entry("minCalls", b -> b.minCalls(21)),
            Map.entry("failureRateThreshold", b -> b.failureRateThreshold(0.51)),
            Map.entry("consecutiveFailuresThreshold", b -> b.consecutiveFailuresThreshold(1)),
            Map.entry("slowCallDuration", b -> b.slowCallDuration(Duration.ofSeconds(59))),
            Map.entry("slowCallRateThreshold", b -> b.slowCallRateThreshold(0.99)),
            Map.entry("openCooldown", b -> b.openCooldown(Duration.ofSeconds(31))),
            Map.entry("maxOpenCooldown", b -> b.maxOpenCooldown(Duration.ofMinutes(6))),
            Map.entry("halfOpenMaxConcurrent", b -> b.halfOpenMaxConcurrent(6)),
            Map.entry("halfOpenRequiredSuccesses", b -> b.halfOpenRequiredSuccesses(6)),
            Map.entry("halfOpenAllowedFailures", b -> b.halfOpenAllowedFailures(1)),
            // as long as the default slowCallDuration, but set: it no longer follows it
            Map.entry("halfOpenTrialTimeout", b -> b.halfOpenTrialTimeout(Duration.ofSeconds(60))),
            Map.entry("sampleWeighting", b -> b.sampleWeighting(SampleWeighting.EXPONENTIAL)),
            Map.entry("ewmaAlpha", b -> b.ewmaAlpha(0.31)),
            Map.entry(
                "adaptiveThreshold.enabled",
                b -> b.adaptiveThreshold(new AdaptiveThreshold(true, 3.0, 0.1))),
            Map.entry(
                "adaptiveThreshold.sensitivity",
                b -> b.adaptiveThreshold(new AdaptiveThreshold(false, 4.0, 0.1))),
            Map.entry(
                "adaptiveThreshold.floor",
                b -> b.adaptiveThreshold(new AdaptiveThreshold(false, 3.0, 0.2))),
            Map.entry("minHealthScore", b -> b.minHealthScore(0.4)),
            Map.entry("criticalHealthScore", b -> b.criticalHealthScore(0.1)),
            Map.entry("openHealthStatus", b -> b.openHealthStatus(HealthStatus.DOWN)),
            Map.entry("recordExceptions", b -> b.recordExceptions(IOException.class)),
            Map.entry("ignoreExceptions", b -> b.ignoreExceptions(IOException.class)))
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleChanges")
  void everyFieldTakesPartInEqualsAndHashCode(
      String field, UnaryOperator<CircuitConfig.Builder> change) {
    CircuitConfig changed = change.apply(CircuitConfig.builder()).build();
    CircuitConfig again = change.apply(CircuitConfig.builder()).build();

    assertThat(changed).isNotEqualTo(CircuitConfig.defaults());
    assertThat(changed).isEqualTo(again).hasSameHashCodeAs(again);
    assertThat(changed.hashCode()).isNotEqualTo(CircuitConfig.defaults().hashCode());
    assertThat(changed.toMap()).isNotEqualTo(CircuitConfig.defaults().toMap());
  }

  @Test
  void singleChangesAreAllDistinct() {
    Set<CircuitConfig> configs = new HashSet<>();
    configs.add(CircuitConfig.defaults());
    singleChanges()
        .forEach(
            a -> {
              @SuppressWarnings("unchecked")
              UnaryOperator<CircuitConfig.Builder> change =
                  (UnaryOperator<CircuitConfig.Builder>) a.get()[1];
              configs.add(change.apply(CircuitConfig.builder()).build());
            });

    assertThat(configs).hasSize((int) singleChanges().count() + 1);
  }

  @Test
  void equalsHandlesItselfNullAndOtherTypes() {
    CircuitConfig c = everythingChanged();

    assertThat(c).isEqualTo(c);
    assertThat(c.equals(null)).isFalse();
    assertThat(c.equals(c.toMap())).isFalse();
  }

  @Test
  void toMapOfTheDefaultsListsEveryFieldInOrder() {
    Map<String, Object> m = CircuitConfig.defaults().toMap();

    assertThat(m)
        .containsExactly(
            entry("rollingWindow", "10s"),
            entry("buckets", 10),
            entry("minCalls", 20),
            entry("failureRateThreshold", 0.5),
            entry("consecutiveFailuresThreshold", 0),
            entry("slowCallDuration", "1m"),
            entry("slowCallRateThreshold", 1.0),
            entry("openCooldown", "30s"),
            entry("maxOpenCooldown", "5m"),
            entry("halfOpenMaxConcurrent", 5),
            entry("halfOpenRequiredSuccesses", 5),
            entry("halfOpenAllowedFailures", 0),
            entry("halfOpenTrialTimeout", "auto"),
            entry("sampleWeighting", "SLIDING"),
            entry("ewmaAlpha", 0.3),
            entry("adaptiveThreshold", Map.of("enabled", false, "sensitivity", 3.0, "floor", 0.1)),
            entry("minHealthScore", 0.5),
            entry("criticalHealthScore", 0.0),
            entry("openHealthStatus", "DEGRADED"),
            entry("recordExceptions", List.of()),
            entry("ignoreExceptions", List.of()));
  }

  @Test
  void toMapWritesPlainValues() {
    Map<String, Object> m = everythingChanged().toMap();

    assertThat(m.get("rollingWindow")).isEqualTo("20s");
    assertThat(m.get("slowCallDuration")).isEqualTo("1500ms");
    assertThat(m.get("maxOpenCooldown")).isEqualTo("1m");
    assertThat(m.get("halfOpenTrialTimeout")).isEqualTo("3s");
    assertThat(m.get("sampleWeighting")).isEqualTo("EXPONENTIAL");
    assertThat(m.get("openHealthStatus")).isEqualTo("DOWN");
    assertThat(m.get("adaptiveThreshold"))
        .isEqualTo(Map.of("enabled", true, "sensitivity", 2.0, "floor", 0.05));
    assertThat(m.get("recordExceptions"))
        .isEqualTo(List.of("java.io.IOException", "java.util.concurrent.TimeoutException"));
    assertThat(m.get("ignoreExceptions")).isEqualTo(List.of("java.lang.IllegalStateException"));
    assertThat(m.keySet()).isEqualTo(CircuitConfig.defaults().toMap().keySet());
  }

  // ---------------------------------------------------------------------------------------------
  // AdaptiveThreshold

  @Nested
  class AdaptiveThresholdSettings {

    @Test
    void acceptsBoundaries() {
      assertThat(new AdaptiveThreshold(true, Double.MIN_VALUE, Double.MIN_VALUE).sensitivity())
          .isEqualTo(Double.MIN_VALUE);
      AdaptiveThreshold max = new AdaptiveThreshold(true, 100, 1);
      assertThat(max.sensitivity()).isEqualTo(100.0);
      assertThat(max.floor()).isEqualTo(1.0);
    }

    @Test
    void enabledFactoryKeepsTheDefaultFloor() {
      assertThat(AdaptiveThreshold.enabled(2)).isEqualTo(new AdaptiveThreshold(true, 2, 0.1));
    }

    static Stream<Arguments> refused() {
      String s = "adaptiveThreshold.sensitivity must be in (0, 100], was ";
      String f = "adaptiveThreshold.floor must be in (0, 1], was ";
      return Stream.of(
          Arguments.of(0.0, 0.1, s + "0"),
          Arguments.of(-1.0, 0.1, s + "-1"),
          Arguments.of(Math.nextUp(100.0), 0.1, s + "100.00000000000001"),
          Arguments.of(1000.0, 0.1, s + "1000"),
          Arguments.of(Double.NaN, 0.1, s + "NaN"),
          Arguments.of(Double.POSITIVE_INFINITY, 0.1, s + "Infinity"),
          Arguments.of(Double.NEGATIVE_INFINITY, 0.1, s + "-Infinity"),
          Arguments.of(3.0, 0.0, f + "0"),
          Arguments.of(3.0, -0.1, f + "-0.1"),
          Arguments.of(3.0, 1.5, f + "1.5"),
          Arguments.of(3.0, Double.NaN, f + "NaN"),
          Arguments.of(3.0, Double.POSITIVE_INFINITY, f + "Infinity"),
          Arguments.of(3.0, Double.NEGATIVE_INFINITY, f + "-Infinity"));
    }

    @ParameterizedTest(name = "sensitivity={0}, floor={1}")
    @MethodSource("refused")
    void refusesInvalidValues(double sensitivity, double floor, String message) {
      assertThatThrownBy(() -> new AdaptiveThreshold(true, sensitivity, floor))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
      assertThatThrownBy(() -> new AdaptiveThreshold(false, sensitivity, floor))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
    }

    @Test
    void enabledFactoryRefusesAnInvalidSensitivity() {
      assertThatThrownBy(() -> AdaptiveThreshold.enabled(0))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("adaptiveThreshold.sensitivity must be in (0, 100], was 0");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // GlobalFuseConfig

  @Nested
  class GlobalFuseSettings {

    @Test
    void acceptsBoundaries() {
      GlobalFuseConfig low = new GlobalFuseConfig(true, Double.MIN_VALUE, 1);
      GlobalFuseConfig high = new GlobalFuseConfig(false, 1.0, 100_000);

      assertThat(low.componentOpenRatio()).isEqualTo(Double.MIN_VALUE);
      assertThat(low.minComponents()).isEqualTo(1);
      assertThat(high.componentOpenRatio()).isEqualTo(1.0);
      assertThat(high.minComponents()).isEqualTo(100_000);
    }

    static Stream<Arguments> refused() {
      String r = "global.componentOpenRatio must be in (0, 1], was ";
      String m = "global.minComponents must be in [1, 100000], was ";
      return Stream.of(
          Arguments.of(0.0, 3, r + "0"),
          Arguments.of(-0.5, 3, r + "-0.5"),
          Arguments.of(1.5, 3, r + "1.5"),
          Arguments.of(Double.NaN, 3, r + "NaN"),
          Arguments.of(Double.POSITIVE_INFINITY, 3, r + "Infinity"),
          Arguments.of(Double.NEGATIVE_INFINITY, 3, r + "-Infinity"),
          Arguments.of(0.5, 0, m + "0"),
          Arguments.of(0.5, -1, m + "-1"),
          Arguments.of(0.5, 100_001, m + "100001"),
          Arguments.of(0.5, Integer.MIN_VALUE, m + Integer.MIN_VALUE),
          Arguments.of(0.5, Integer.MAX_VALUE, m + Integer.MAX_VALUE));
    }

    @ParameterizedTest(name = "componentOpenRatio={0}, minComponents={1}")
    @MethodSource("refused")
    void refusesInvalidValues(double ratio, int minComponents, String message) {
      assertThatThrownBy(() -> new GlobalFuseConfig(true, ratio, minComponents))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
    }
  }
}
