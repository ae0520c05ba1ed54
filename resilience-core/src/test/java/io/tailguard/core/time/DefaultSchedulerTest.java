package io.tailguard.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DefaultSchedulerTest {

  @Test
  void noThreadOutlivesClose() throws InterruptedException {
    // awaitTermination() alone returns a moment before the worker thread ends; close() must join
    // it. Repeated, because the window is small.
    for (int i = 0; i < 50; i++) {
      DefaultScheduler scheduler = new DefaultScheduler("closetest", Duration.ofSeconds(5));
      CountDownLatch ran = new CountDownLatch(1);
      List<Thread> worker = new ArrayList<>();
      scheduler.schedule(
          () -> {
            synchronized (worker) {
              worker.add(Thread.currentThread());
            }
            ran.countDown();
          },
          Duration.ZERO);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      scheduler.close();
      assertThat(scheduler.isTerminated()).isTrue();
      synchronized (worker) {
        assertThat(worker.get(0).isAlive()).as("worker of %s", scheduler).isFalse();
      }
    }
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(() -> new DefaultScheduler(" ", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("purpose");
    assertThatThrownBy(() -> new DefaultScheduler(null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("purpose");
    assertThatThrownBy(() -> new DefaultScheduler("x", Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
    assertThatThrownBy(() -> new DefaultScheduler("x", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
    try (DefaultScheduler scheduler = new DefaultScheduler("args", Duration.ZERO)) {
      assertThatThrownBy(() -> scheduler.schedule(null, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> scheduler.schedule(() -> {}, null))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void runsTasksOnOneNamedDaemonThread() throws InterruptedException {
    try (DefaultScheduler scheduler = new DefaultScheduler("unit", Duration.ofSeconds(5))) {
      AtomicReference<Thread> first = new AtomicReference<>();
      AtomicReference<Thread> second = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(2);
      scheduler.schedule(
          () -> {
            first.set(Thread.currentThread());
            ran.countDown();
          },
          Duration.ZERO);
      scheduler.schedule(
          () -> {
            second.set(Thread.currentThread());
            ran.countDown();
          },
          Duration.ofMillis(1));
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(second.get()).isSameAs(first.get());
      assertThat(first.get().isDaemon()).isTrue();
      assertThat(first.get().getName()).matches("tailguard-unit-\\d+");
      assertThat(scheduler).hasToString("DefaultScheduler[" + first.get().getName() + "]");
      assertThat(scheduler.isTerminated()).isFalse();
    }
  }

  @Test
  void aTaskCanBeCancelledBeforeItRuns() {
    try (DefaultScheduler scheduler = new DefaultScheduler("cancel", Duration.ofSeconds(5))) {
      Scheduler.ScheduledTask task = scheduler.schedule(() -> {}, Duration.ofHours(1));
      assertThat(task.isCancelled()).isFalse();
      assertThat(task.cancel()).isTrue();
      assertThat(task.isCancelled()).isTrue();
    }
  }

  @Test
  void closeDropsTasksNotYetDue() {
    // A task due in 2 s is dropped, not waited for: close() returns at once and it never runs.
    DefaultScheduler scheduler = new DefaultScheduler("drop", Duration.ofSeconds(10));
    AtomicBoolean ran = new AtomicBoolean();
    scheduler.schedule(() -> ran.set(true), Duration.ofSeconds(2));
    long start = System.nanoTime();
    scheduler.close();
    assertThat(scheduler.isTerminated()).isTrue();
    assertThat(ran).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void closeGivesUpOnATaskDeafToInterruptsAndSaysSo() throws InterruptedException {
    DefaultScheduler scheduler = new DefaultScheduler("deaf", Duration.ofMillis(20));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    scheduler.schedule(
        () -> {
          started.countDown();
          while (true) {
            try {
              if (release.await(10, TimeUnit.SECONDS)) {
                return;
              }
            } catch (InterruptedException e) {
              interrupted.set(true);
            }
          }
        },
        Duration.ZERO);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    String err = capturingErr(scheduler::close);
    assertThat(err).contains("did not stop within PT0.02S after an interrupt");
    assertThat(scheduler.isTerminated()).isFalse();
    await().untilTrue(interrupted);

    // Closed again from an interrupted thread: the interrupt is kept and nothing is logged (the
    // caller was told to stop, not the scheduler).
    Thread.currentThread().interrupt();
    String errWhenInterrupted = capturingErr(scheduler::close);
    assertThat(Thread.interrupted()).isTrue();
    assertThat(errWhenInterrupted).doesNotContain("did not stop");

    release.countDown();
    await().until(scheduler::isTerminated);
  }

  /** What slf4j-simple (the tests' binding, which writes to the current System.err) printed. */
  private static String capturingErr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }
}
