package io.tailguard.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  @Test
  void movesBothClocksTogether() {
    FakeClock clock = new FakeClock();
    long n0 = clock.nanoTime();
    long w0 = clock.currentTimeMillis();
    clock.advance(Duration.ofMillis(1500));
    assertThat(clock.nanoTime() - n0).isEqualTo(1_500_000_000L);
    assertThat(clock.currentTimeMillis() - w0).isEqualTo(1500);
    assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_WALL_START.plusMillis(1500));
  }

  @Test
  void refusesToGoBack() {
    assertThatThrownBy(() -> new FakeClock().advanceNanos(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only moves forward");
  }

  @Test
  void wrapsPastLongMaxValue() {
    FakeClock clock = FakeClock.startingAt(Long.MAX_VALUE - 10);
    long before = clock.nanoTime();
    clock.advanceNanos(20);
    assertThat(clock.nanoTime() - before).isEqualTo(20);
  }

  @Test
  void runsTasksInDueOrderWithTheClockAtTheirDueTime() {
    FakeClock clock = new FakeClock();
    long start = clock.nanoTime();
    List<String> ran = new ArrayList<>();
    clock.schedule(() -> ran.add("b@" + (clock.nanoTime() - start)), Duration.ofNanos(200));
    clock.schedule(() -> ran.add("a@" + (clock.nanoTime() - start)), Duration.ofNanos(100));
    clock.schedule(
        () -> {
          ran.add("c@" + (clock.nanoTime() - start));
          clock.schedule(() -> ran.add("d@" + (clock.nanoTime() - start)), Duration.ofNanos(50));
        },
        Duration.ofNanos(200));
    clock.advanceNanos(150);
    assertThat(ran).containsExactly("a@100");
    clock.advanceNanos(150);
    assertThat(ran).containsExactly("a@100", "b@200", "c@200", "d@250");
    assertThat(clock.nanoTime() - start).isEqualTo(300);
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void cancelledTasksNeverRun() {
    FakeClock clock = new FakeClock();
    List<String> ran = new ArrayList<>();
    Scheduler.ScheduledTask t = clock.schedule(() -> ran.add("x"), Duration.ofSeconds(1));
    assertThat(clock.nextTaskDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancel()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
    assertThat(t.isCancelled()).isTrue();
  }
}
