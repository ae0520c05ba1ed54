package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each check accepts its bounds as documented, and a refusal names the field, range and value. */
class ValidateTest {

  @Test
  void notNullReturnsTheValueOrNamesTheField() {
    assertThat(Validate.notNull("f", "v")).isEqualTo("v");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.notNull("listener", null))
        .withMessage("listener must not be null");
  }

  @Test
  void inOpenClosedExcludesTheLowerBoundAndIncludesTheUpper() {
    assertThat(Validate.inOpenClosed("rate", 0.25, 0, 1)).isEqualTo(0.25);
    assertThat(Validate.inOpenClosed("rate", 1, 0, 1)).isEqualTo(1.0);
    assertThat(Validate.inOpenClosed("rate", Math.ulp(0.0), 0, 1)).isEqualTo(Math.ulp(0.0));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inOpenClosed("failureRateThreshold", 0, 0, 1))
        .withMessage("failureRateThreshold must be in (0, 1], was 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inOpenClosed("failureRateThreshold", 1.5, 0, 1))
        .withMessage("failureRateThreshold must be in (0, 1], was 1.5");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inOpenClosed("x", Math.nextUp(1.0), 0, 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inOpenClosed("x", Double.NaN, 0, 1))
        .withMessage("x must be in (0, 1], was NaN");
  }

  @Test
  void inClosedIncludesBothBounds() {
    assertThat(Validate.inClosed("alpha", 0, 0, 1)).isEqualTo(0.0);
    assertThat(Validate.inClosed("alpha", 1, 0, 1)).isEqualTo(1.0);
    assertThat(Validate.inClosed("alpha", 0.5, 0, 1)).isEqualTo(0.5);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inClosed("alpha", -0.5, 0, 1))
        .withMessage("alpha must be in [0, 1], was -0.5");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inClosed("alpha", Math.nextUp(1.0), 0, 1))
        .withMessageStartingWith("alpha must be in [0, 1], was 1.0000000000000002");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inClosed("alpha", Math.nextDown(0.0), 0, 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inClosed("alpha", Double.NaN, 0, 1));
  }

  @Test
  void intRangeIncludesBothBounds() {
    assertThat(Validate.inRange("minCalls", 1, 1, 10)).isEqualTo(1);
    assertThat(Validate.inRange("minCalls", 10, 1, 10)).isEqualTo(10);
    assertThat(Validate.inRange("minCalls", 5, 1, 10)).isEqualTo(5);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("minCalls", 0, 1, 10))
        .withMessage("minCalls must be in [1, 10], was 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("minCalls", 11, 1, 10))
        .withMessage("minCalls must be in [1, 10], was 11");
  }

  @Test
  void longRangeIncludesBothBounds() {
    assertThat(Validate.inRange("capacity", 1L, 1L, 1L << 40)).isEqualTo(1L);
    assertThat(Validate.inRange("capacity", 1L << 40, 1L, 1L << 40)).isEqualTo(1L << 40);
    assertThat(Validate.inRange("capacity", 7L, 1L, 1L << 40)).isEqualTo(7L);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("capacity", 0L, 1L, 1L << 40))
        .withMessage("capacity must be in [1, 1099511627776], was 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("capacity", (1L << 40) + 1, 1L, 1L << 40))
        .withMessage("capacity must be in [1, 1099511627776], was 1099511627777");
  }

  @Test
  void durationRangeIncludesBothBoundsAndRefusesNull() {
    Duration min = Duration.ofMillis(1);
    Duration max = Duration.ofHours(1);
    assertThat(Validate.inRange("timeout", min, min, max)).isSameAs(min);
    assertThat(Validate.inRange("timeout", max, min, max)).isSameAs(max);
    Duration mid = Duration.ofSeconds(3);
    assertThat(Validate.inRange("timeout", mid, min, max)).isSameAs(mid);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("timeout", Duration.ofNanos(999_999), min, max))
        .withMessage("timeout must be in [1ms, 1h], was 999999ns");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("timeout", max.plusNanos(1), min, max))
        .withMessage("timeout must be in [1ms, 1h], was 3600000000001ns");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Validate.inRange("timeout", null, min, max))
        .withMessage("timeout must not be null");
  }

  @Test
  void numWritesWholeNumbersWithoutAFraction() {
    assertThat(Validate.num(3)).isEqualTo("3");
    assertThat(Validate.num(-2)).isEqualTo("-2");
    assertThat(Validate.num(0.5)).isEqualTo("0.5");
    assertThat(Validate.num(999_999_999_999_999.0)).isEqualTo("999999999999999");
    // From 1e15 on, and for infinities and NaN, as Double.toString writes them.
    assertThat(Validate.num(1e15)).isEqualTo("1.0E15");
    assertThat(Validate.num(-1e15)).isEqualTo("-1.0E15");
    assertThat(Validate.num(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(Validate.num(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(Validate.num(Double.NaN)).isEqualTo("NaN");
  }
}
