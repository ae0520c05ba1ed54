package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * For any policy, every delay is in {@code [0, maxDelay]} whatever the jitter, the retry number and
 * the random draws; without jitter, delays never shrink from one retry to the next and the first is
 * the base delay.
 */
class BackoffPropertyTest {

  @Provide
  Arbitrary<RetryPolicy> policies() {
    Arbitrary<Long> base =
        Arbitraries.oneOf(
            Arbitraries.just(0L),
            Arbitraries.longs().between(1, 1_000),
            Arbitraries.longs().between(1, Duration.ofDays(1).toNanos()));
    Arbitrary<Long> extra =
        Arbitraries.oneOf(
            Arbitraries.just(0L),
            Arbitraries.longs().between(0, Duration.ofMinutes(10).toNanos()),
            Arbitraries.just(Long.MAX_VALUE));
    Arbitrary<Double> multiplier =
        Arbitraries.oneOf(
            Arbitraries.just(1.0),
            Arbitraries.doubles().between(1.0, 1.001).ofScale(6),
            Arbitraries.doubles().between(1.0, 100.0).ofScale(4));
    return Combinators.combine(
            base,
            extra,
            multiplier,
            Arbitraries.of(Jitter.class),
            Arbitraries.integers().between(1, 1_000_000))
        .as(
            (b, x, m, j, attempts) -> {
              long max = x == Long.MAX_VALUE || b > Long.MAX_VALUE - x ? Long.MAX_VALUE : b + x;
              return RetryPolicy.builder()
                  .maxAttempts(attempts)
                  .baseDelay(Duration.ofNanos(b))
                  .maxDelay(Duration.ofNanos(max))
                  .multiplier(m)
                  .jitter(j)
                  .build();
            });
  }

  @Provide
  Arbitrary<Integer> retries() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 100),
        Arbitraries.integers().between(1, Integer.MAX_VALUE),
        Arbitraries.of(Integer.MAX_VALUE));
  }

  @Property(tries = 2000, seed = "20260101")
  void everyDelayIsWithinZeroAndMaxDelay(
      @ForAll("policies") RetryPolicy policy,
      @ForAll("retries") int retry,
      @ForAll long previous,
      @ForAll long seed) {
    long max = policy.maxDelay().toNanos();
    long d = Backoff.delayNanos(policy, retry, previous, new SplittableRandom(seed));
    assertThat(d).isBetween(0L, max);
    long exp = Backoff.exponentialNanos(policy, retry);
    assertThat(exp).isBetween(0L, max);
    switch (policy.jitter()) {
      case NONE -> assertThat(d).isEqualTo(exp);
      case FULL -> assertThat(d).isBetween(0L, exp);
      case EQUAL -> assertThat(d).isBetween(exp - exp / 2, exp);
      case DECORRELATED ->
          assertThat(d).isBetween(Math.min(policy.baseDelay().toNanos(), max), max);
    }
  }

  @Property(tries = 500, seed = "20260102")
  void withoutJitterDelaysNeverShrinkAndStartAtTheBase(
      @ForAll("policies") RetryPolicy any, @ForAll @IntRange(min = 1, max = 2000) int steps) {
    RetryPolicy policy = any.toBuilder().jitter(Jitter.NONE).build();
    SplittableRandom unused = new SplittableRandom(1);
    long previous = -1;
    for (int n = 1; n <= steps; n++) {
      long d = Backoff.delayNanos(policy, n, 0, unused);
      assertThat(d).isGreaterThanOrEqualTo(previous);
      previous = d;
    }
    assertThat(Backoff.delayNanos(policy, 1, 0, unused)).isEqualTo(policy.baseDelay().toNanos());
    // far beyond the steps, the exponent is capped and the delay still does not shrink
    assertThat(Backoff.exponentialNanos(policy, Integer.MAX_VALUE))
        .isGreaterThanOrEqualTo(previous);
  }
}
