package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import io.tailguard.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A hedge timer that fires before its scheduler has returned it (a sub-millisecond delay on a busy
 * machine), or while the call is cancelling it: the hedge it stands for is sent once, at its delay,
 * and a token it waits for is still waited for. One thread: a scripted scheduler fires timers when
 * the test says so, a direct executor starts attempts inline, the test completes each attempt.
 */
class HedgeTimerRaceTest {

  static final Duration DELAY = Duration.ofMillis(100);

  final FakeClock clock = new FakeClock();
  final ScriptedScheduler scheduler = new ScriptedScheduler();
  final List<CompletableFuture<String>> attempts = new ArrayList<>();
  final HedgeStrategyFeedbackTest.ScriptedStrategy strategy =
      new HedgeStrategyFeedbackTest.ScriptedStrategy();

  /** Keeps every timer; fires one inline from within schedule() when asked to. */
  static final class ScriptedScheduler implements Scheduler {
    final List<Timer> timers = new ArrayList<>();
    Duration fireAtOnce;

    @Override
    public ScheduledTask schedule(Runnable task, Duration delay) {
      Timer t = new Timer(task, delay);
      timers.add(t);
      if (delay.equals(fireAtOnce)) {
        fireAtOnce = null;
        t.run(); // the timer thread won the race with the caller that armed it
      }
      return t;
    }

    /** The timers with this delay, in the order they were scheduled. */
    List<Timer> withDelay(Duration delay) {
      return timers.stream().filter(t -> t.delay.equals(delay)).toList();
    }
  }

  /** A timer that the test fires; firing one that was cancelled is a fire racing its cancel. */
  static final class Timer implements Scheduler.ScheduledTask {
    final Runnable task;
    final Duration delay;
    boolean cancelled;
    boolean ran;

    Timer(Runnable task, Duration delay) {
      this.task = task;
      this.delay = delay;
    }

    void run() {
      ran = true;
      task.run();
    }

    @Override
    public boolean cancel() {
      boolean wasPending = !cancelled && !ran;
      cancelled = true;
      return wasPending;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }
  }

  Hedger hedger(int maxHedges, BudgetConfig budget) {
    Hedger h =
        Hedger.builder("race")
            .config(HedgeConfig.builder().maxHedges(maxHedges).budget(budget).build())
            .clock(clock)
            .scheduler(scheduler)
            .executor(Runnable::run)
            .build();
    h.useStrategy(strategy); // a fixed delay of 100 ms that writes down each hedge's outcome
    return h;
  }

  CompletableFuture<String> call(Hedger h) {
    return PendingAttempts.call(h, attempts);
  }

  @Test
  void aTimerThatFiresBeforeItIsArmedAndFindsNoTokenStillWaitsForOne() {
    Hedger h = hedger(1, new BudgetConfig(0.05, 0, 1));
    // Spend the bucket's only token.
    CompletableFuture<String> first = call(h);
    scheduler.withDelay(DELAY).get(0).run();
    attempts.get(1).complete("hedge");
    assertThat(first).isCompletedWithValue("hedge");

    scheduler.fireAtOnce = DELAY;
    CompletableFuture<String> waiting = call(h); // attempt 2; its timer fires at once, refused
    assertThat(attempts).hasSize(3);
    List<Timer> rechecks = scheduler.withDelay(DELAY.multipliedBy(2));
    assertThat(rechecks).hasSize(1);
    assertThat(rechecks.get(0).cancelled).as("the wait for a token is kept").isFalse();

    for (int i = 0; i < 20; i++) { // 20 primaries earn a token
      CompletableFuture<String> quick = call(h);
      attempts.get(attempts.size() - 1).complete("quick");
      assertThat(quick).isDone();
    }
    rechecks.get(0).run();
    assertThat(attempts).hasSize(24);
    attempts.get(23).complete("late hedge");
    assertThat(waiting).isCompletedWithValue("late hedge");
    assertThat(strategy.outcomes).containsExactly("100 won", "100 won");
  }

  @Test
  void aTimerThatFiresBeforeItIsArmedSendsItsHedgeOnceAndArmsTheNext() {
    Hedger h = hedger(2, new BudgetConfig(0.5, 0, 10));
    scheduler.fireAtOnce = DELAY;
    CompletableFuture<String> r = call(h);
    assertThat(attempts).as("the primary and the first hedge").hasSize(2);

    List<Timer> timers = scheduler.withDelay(DELAY);
    assertThat(timers).hasSize(2);
    Timer second = timers.get(1);
    assertThat(second.cancelled).as("the second hedge's timer").isFalse();
    second.run();
    assertThat(attempts).hasSize(3);
    attempts.get(1).complete("first hedge");
    assertThat(r).isCompletedWithValue("first hedge");
    assertThat(strategy.outcomes).containsExactly("100 won");
  }

  @Test
  void aTimerThatFiresWhileAFailureCancelsItSendsNoExtraHedge() {
    Hedger h = hedger(2, new BudgetConfig(0.5, 0, 10));
    CompletableFuture<String> r = call(h);
    Timer firstTimer = scheduler.withDelay(DELAY).get(0);
    // The primary fails: the first hedge starts at once and its timer is cancelled, but the
    // timer thread had already taken it.
    attempts.get(0).completeExceptionally(new IllegalStateException("down"));
    assertThat(attempts).hasSize(2);
    assertThat(firstTimer.cancelled).isTrue();
    firstTimer.run();
    assertThat(attempts).as("no second hedge before its own delay").hasSize(2);

    List<Timer> timers = scheduler.withDelay(DELAY);
    assertThat(timers).hasSize(2);
    timers.get(1).run(); // the second hedge's own timer
    assertThat(attempts).hasSize(3);
    attempts.get(2).complete("second hedge");
    assertThat(r).isCompletedWithValue("second hedge");
  }
}
