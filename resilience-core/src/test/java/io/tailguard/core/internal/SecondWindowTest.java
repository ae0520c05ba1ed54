package io.tailguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tailguard.core.time.FakeClock;
import org.junit.jupiter.api.Test;

/** The one-second buckets behind the retry and hedge budgets, on the fake clock. */
class SecondWindowTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void refusesAnEmptyWindowOrNoKinds() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new SecondWindow(clock, 0, 1))
        .withMessage("seconds and kinds must be at least 1, were 0 and 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new SecondWindow(clock, 1, 0))
        .withMessage("seconds and kinds must be at least 1, were 1 and 0");
    SecondWindow smallest = new SecondWindow(clock, 1, 1);
    smallest.increment(0);
    assertThat(smallest.sum(0)).isEqualTo(1);
  }

  @Test
  void epochCountsWholeSecondsFromCreation() {
    clock.advanceMillis(300); // the window's own origin, not the clock's, starts second 0
    SecondWindow w = new SecondWindow(clock, 3, 1);
    assertThat(w.epoch()).isZero();
    clock.advanceMillis(999);
    assertThat(w.epoch()).isZero();
    clock.advanceMillis(1);
    assertThat(w.epoch()).isEqualTo(1);
    clock.advanceMillis(2_500);
    assertThat(w.epoch()).isEqualTo(3);
  }

  @Test
  void countsEachKindOverTheCurrentAndThePreviousSeconds() {
    SecondWindow w = new SecondWindow(clock, 3, 2);
    w.increment(0);
    w.increment(1);
    w.increment(1);
    clock.advanceMillis(1_000);
    w.increment(0);
    clock.advanceMillis(1_000);
    w.increment(0);
    assertThat(w.sums()).containsExactly(3, 2);
    assertThat(w.sum(0)).isEqualTo(3);
    assertThat(w.sum(1)).isEqualTo(2);

    // Second 3: second 0 has left the window (it covers 1, 2 and the current 3).
    clock.advanceMillis(1_000);
    assertThat(w.sums()).containsExactly(2, 0);
    assertThat(w.sum(0)).isEqualTo(2);
    assertThat(w.sum(1)).isZero();

    // Second 3 reuses second 0's bucket: it starts from zero.
    w.increment(1);
    assertThat(w.sums()).containsExactly(2, 1);
    assertThat(w.sum(1)).isEqualTo(1);

    clock.advanceMillis(1_000); // second 4: second 1 has left
    assertThat(w.sums()).containsExactly(1, 1);
    clock.advanceMillis(2_000); // second 6: only what was counted in 4, 5 and 6
    assertThat(w.sums()).containsExactly(0, 0);
    assertThat(w.sum(0)).isZero();
  }

  @Test
  void aBucketLeftForManyWindowsIsStartedAfresh() {
    SecondWindow w = new SecondWindow(clock, 2, 1);
    w.increment(0);
    w.increment(0);
    clock.advanceMillis(10_000); // second 10 maps to second 0's bucket again
    assertThat(w.sum(0)).isZero();
    w.increment(0);
    assertThat(w.sum(0)).isEqualTo(1);
    assertThat(w.sums()).containsExactly(1);
  }

  @Test
  void worksWhereverTheClockStarts() {
    FakeClock nearWrap = FakeClock.startingAt(Long.MAX_VALUE - 500_000_000L);
    SecondWindow w = new SecondWindow(nearWrap, 2, 1);
    w.increment(0);
    nearWrap.advanceMillis(1_000); // nanoTime wraps past Long.MAX_VALUE here
    w.increment(0);
    assertThat(w.epoch()).isEqualTo(1);
    assertThat(w.sum(0)).isEqualTo(2);
    nearWrap.advanceMillis(1_000);
    assertThat(w.sum(0)).isEqualTo(1);
  }

  @Test
  void theSlidingSumCountsExactlyTheLastSecondsWithTheOldestProRata() {
    SecondWindow w = new SecondWindow(clock, 3, 1);
    for (int i = 0; i < 4; i++) {
      w.increment(0); // second 0
    }
    clock.advanceMillis(1_000);
    w.increment(0); // second 1
    w.increment(0);
    assertThat(w.slidingSum(0, 2)).isEqualTo(6.0); // seconds 0 and 1, all of them
    // At the boundary, the last second is all of second 0, and nothing of the current one yet.
    assertThat(w.slidingSum(0, 1)).isEqualTo(6.0);
    clock.advanceMillis(500);
    assertThat(w.slidingSum(0, 1)).isEqualTo(4.0); // half of second 0, and second 1 so far
    assertThat(w.slidingSum(0, 2)).isEqualTo(6.0);
    clock.advanceMillis(500); // second 2 starts: two seconds back is still all of 0 and 1
    assertThat(w.slidingSum(0, 2)).isEqualTo(6.0);
    assertThat(w.sum(0)).as("sum() covers three buckets here").isEqualTo(6);
    clock.advanceMillis(250); // a quarter of second 0 has left the span
    assertThat(w.slidingSum(0, 2)).isEqualTo(5.0);
    assertThat(w.slidingSum(0, 1)).isEqualTo(1.5);
    clock.advanceMillis(750); // second 3: 1 and 2, with 0 gone
    assertThat(w.slidingSum(0, 2)).isEqualTo(2.0);
    clock.advanceMillis(500);
    assertThat(w.slidingSum(0, 2)).isEqualTo(1.0);
    clock.advanceMillis(10_000);
    assertThat(w.slidingSum(0, 2)).isZero();
  }

  @Test
  void theSlidingSumWorksWhereverTheClockStarts() {
    FakeClock nearWrap = FakeClock.startingAt(Long.MAX_VALUE - 500_000_000L);
    SecondWindow w = new SecondWindow(nearWrap, 3, 1);
    w.increment(0);
    w.increment(0);
    nearWrap.advanceMillis(1_000); // nanoTime wraps past Long.MAX_VALUE here
    w.increment(0);
    nearWrap.advanceMillis(1_500); // half of second 0 has left the two-second span
    assertThat(w.slidingSum(0, 2)).isEqualTo(2.0);
  }

  @Test
  void theSlidingSumSpanMustFitInTheWindow() {
    SecondWindow w = new SecondWindow(clock, 3, 1);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> w.slidingSum(0, 3))
        .withMessage("seconds must be in [1, 2], was 3");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> w.slidingSum(0, 0))
        .withMessage("seconds must be in [1, 2], was 0");
  }
}
