package io.tailguard.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real time sources production code uses: the system clock, the system sleeper and the adapter
 * of a {@link java.util.concurrent.ScheduledExecutorService}. These are the only tests that read
 * real time, and they wait only for what they test (a sleeper's sleep, a task due now).
 */
class SystemTimeSourcesTest {

  private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  @Test
  void systemClockReadsTheSystemTimers() {
    Clock clock = Clock.system();
    assertThat(clock).isSameAs(SystemClock.INSTANCE);

    long before = System.nanoTime();
    long read = clock.nanoTime();
    long after = System.nanoTime();
    // Differences only: the origin of nanoTime is arbitrary.
    assertThat(read - before).isNotNegative();
    assertThat(after - read).isNotNegative();

    long wallBefore = System.currentTimeMillis();
    long wall = clock.currentTimeMillis();
    Instant instant = clock.instant();
    long wallAfter = System.currentTimeMillis();
    assertThat(wall).isBetween(wallBefore, wallAfter);
    assertThat(instant.toEpochMilli()).isBetween(wall, wallAfter);
  }

  @Test
  void systemSleeperBlocksForTheDuration() throws InterruptedException {
    Sleeper sleeper = Sleeper.system();
    long start = System.nanoTime();
    sleeper.sleep(Duration.ofMillis(20));
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(20_000_000L);
  }

  @Test
  void systemSleeperReturnsAtOnceForZeroOrNegative() throws InterruptedException {
    Sleeper sleeper = Sleeper.system();
    sleeper.sleep(Duration.ZERO);
    sleeper.sleep(Duration.ofMillis(-5));
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void systemSleeperThrowsForAnInterruptedThreadAndClearsTheFlag() {
    Sleeper sleeper = Sleeper.system();
    // Zero, negative, positive, and too long for a long of nanoseconds (not an
    // ArithmeticException).
    for (Duration d :
        new Duration[] {
          Duration.ZERO,
          Duration.ofMillis(-5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(Long.MAX_VALUE)
        }) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> sleeper.sleep(d))
          .as("%s", d)
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).as("interrupt status after %s", d).isFalse();
    }
  }

  @Test
  void schedulerOfRefusesNull() {
    assertThatThrownBy(() -> Scheduler.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("executor");
  }

  @Test
  void schedulerOfSchedulesWithTheDelayAndCancelsWithoutInterrupting() {
    Scheduler scheduler = Scheduler.of(executor);
    Scheduler.ScheduledTask task = scheduler.schedule(() -> {}, Duration.ofHours(1));

    assertThat(executor.getQueue()).hasSize(1);
    var queued = (RunnableScheduledFuture<?>) executor.getQueue().peek();
    assertThat(queued.getDelay(TimeUnit.NANOSECONDS))
        .isGreaterThan(Duration.ofMinutes(59).toNanos())
        .isLessThanOrEqualTo(Duration.ofHours(1).toNanos());
    assertThat(task.isCancelled()).isFalse();

    assertThat(task.cancel()).isTrue();
    assertThat(task.isCancelled()).isTrue();
    assertThat(queued.isCancelled()).isTrue();
    assertThat(task.cancel()).as("second cancel").isFalse();
  }

  @Test
  void schedulerOfRunsANegativeDelayNow() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    Scheduler.ScheduledTask task =
        Scheduler.of(executor).schedule(ran::countDown, Duration.ofSeconds(-10));
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(task.isCancelled()).isFalse();
  }
}
