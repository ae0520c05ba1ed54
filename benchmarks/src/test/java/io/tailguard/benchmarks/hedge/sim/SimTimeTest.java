package io.tailguard.benchmarks.hedge.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.Scheduler.ScheduledTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimTimeTest {

  private final SimTime sim = new SimTime();
  private final List<String> ran = new ArrayList<>();

  private Runnable log(String name) {
    return () -> ran.add(name + "@" + sim.nanoTime());
  }

  @Test
  void runsEventsByTimeThenBySchedulingOrder() {
    sim.schedule(log("c"), Duration.ofNanos(30));
    sim.schedule(log("a"), Duration.ofNanos(10));
    sim.schedule(log("b1"), Duration.ofNanos(20));
    sim.schedule(log("b2"), Duration.ofNanos(20));

    sim.runUntil(100);

    assertThat(ran).containsExactly("a@10", "b1@20", "b2@20", "c@30");
    assertThat(sim.nanoTime()).isEqualTo(100);
    assertThat(sim.pending()).isZero();
  }

  @Test
  void aTaskDueNowRunsAfterTheEventsAlreadyDueAndTasksMayScheduleMore() {
    sim.scheduleAt(
        5,
        () -> {
          log("first").run();
          sim.schedule(log("nested-now"), Duration.ofNanos(-1));
          sim.scheduleAfter(3, log("nested-later"));
        });
    sim.scheduleAt(5, log("second"));

    sim.runUntil(10);

    assertThat(ran).containsExactly("first@5", "second@5", "nested-now@5", "nested-later@8");
  }

  @Test
  void runNextStopsAtTheDeadlineWithoutMovingTime() {
    sim.scheduleAt(50, log("late"));

    assertThat(sim.runNext(49)).isFalse();
    assertThat(sim.nanoTime()).isZero();
    assertThat(sim.runNext(50)).isTrue();
    assertThat(ran).containsExactly("late@50");
    assertThat(sim.runNext(Long.MAX_VALUE)).isFalse();
  }

  @Test
  void aCancelledEventNeverRuns() {
    ScheduledTask kept = sim.scheduleAt(10, log("kept"));
    ScheduledTask dropped = sim.scheduleAt(5, log("dropped"));
    assertThat(sim.pending()).isEqualTo(2);

    assertThat(dropped.cancel()).isTrue();
    assertThat(dropped.cancel()).isFalse();
    assertThat(dropped.isCancelled()).isTrue();
    assertThat(sim.pending()).isEqualTo(1);
    sim.runUntil(20);

    assertThat(ran).containsExactly("kept@10");
    assertThat(kept.isCancelled()).isFalse();
    assertThat(kept.cancel()).as("cancel after it ran").isFalse();
    assertThat(sim.pending()).isZero();
  }

  @Test
  void theWallClockMovesWithVirtualTime() {
    long before = sim.currentTimeMillis();
    sim.runUntil(Duration.ofSeconds(3).toNanos());

    assertThat(sim.currentTimeMillis() - before).isEqualTo(3_000);
  }

  @Test
  void aHugeDelayDoesNotOverflow() {
    sim.runUntil(10);
    sim.schedule(log("never"), Duration.ofSeconds(Long.MAX_VALUE));

    sim.runUntil(Long.MAX_VALUE - 1);

    assertThat(ran).isEmpty();
    assertThat(sim.pending()).isEqualTo(1);
  }
}
