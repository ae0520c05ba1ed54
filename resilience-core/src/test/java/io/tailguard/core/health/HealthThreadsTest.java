package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The registry on real threads: shutdown leaves no thread behind, a check that ignores interrupts
 * is handled as documented, runs never overlap, and a hung probe does not delay the others. Waits
 * use latches and Awaitility, never sleeps; where a test needs time to move, a fake clock moves it.
 */
class HealthThreadsTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final HealthConfig LONG_TIMEOUT =
      HealthConfig.builder()
          .interval(Duration.ofSeconds(10))
          .timeout(Duration.ofSeconds(5))
          .failureThreshold(3)
          .build();

  static Set<Thread> healthThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("tailguard-health-") && t.isAlive()) {
        threads.add(t);
      }
    }
    return threads;
  }

  static Set<Thread> newHealthThreads(Set<Thread> before) {
    Set<Thread> now = healthThreads();
    now.removeAll(before);
    return now;
  }

  /** A check that waits until released, ignoring interrupts; remembers its thread. */
  static final class Stubborn implements HealthProbe {
    final String name;
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger interrupts = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final AtomicReference<Thread> thread = new AtomicReference<>();

    Stubborn(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public HealthCheckResult check() {
      int n = concurrent.incrementAndGet();
      maxConcurrent.accumulateAndGet(n, Math::max);
      try {
        if (calls.incrementAndGet() == 1) {
          thread.set(Thread.currentThread());
          started.countDown();
          for (; ; ) {
            try {
              release.await();
              break;
            } catch (InterruptedException e) {
              interrupts.incrementAndGet(); // and carry on waiting
            }
          }
        }
        return HealthCheckResult.up();
      } finally {
        concurrent.decrementAndGet();
      }
    }
  }

  @Test
  void noThreadOutlivesClose() throws InterruptedException {
    Set<Thread> before = healthThreads();
    CountDownLatch blockingStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean blockingInterrupted = new AtomicBoolean();
    HealthProbe blocking =
        HealthProbe.of(
            "blocking",
            () -> {
              blockingStarted.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                blockingInterrupted.set(true);
                throw e;
              }
              return HealthCheckResult.up();
            });
    ScriptedProbe quick = new ScriptedProbe("quick", io.tailguard.core.time.Clock.system());
    HealthRegistry health =
        HealthRegistry.builder()
            .config(LONG_TIMEOUT)
            .shutdownGrace(Duration.ofMillis(200))
            .probe(quick)
            .probe(blocking)
            .build();
    assertThat(blockingStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await().atMost(WAIT).until(() -> health.report("quick").runs() == 1);

    Set<Thread> ours = newHealthThreads(before);
    assertThat(ours)
        .extracting(Thread::getName)
        .as("the scheduler thread and two probe threads")
        .hasSize(3)
        .anyMatch(n -> n.matches("tailguard-health-\\d+"))
        .anyMatch(n -> n.startsWith(HealthRegistry.THREAD_NAME_PREFIX));
    assertThat(ours).allMatch(Thread::isDaemon);
    assertThat(health.report("blocking").running()).isTrue();

    health.close();

    assertThat(blockingInterrupted).as("phase 2 interrupted the blocking check").isTrue();
    assertThat(ours).noneMatch(Thread::isAlive);
    assertThat(newHealthThreads(before)).isEmpty();
    assertThat(health.report("blocking").running()).isFalse();
    assertThat(health.report("blocking").runs())
        .as("a check cut short by shutdown is not recorded")
        .isZero();
  }

  @Test
  void closeWithNothingRunningReturnsWithoutWaitingForTheGrace() {
    Set<Thread> before = healthThreads();
    ScriptedProbe quick = new ScriptedProbe("quick", io.tailguard.core.time.Clock.system());
    HealthRegistry health =
        HealthRegistry.builder()
            .config(LONG_TIMEOUT)
            .shutdownGrace(Duration.ofMinutes(5))
            .probe(quick)
            .build();
    await().atMost(WAIT).until(() -> health.report("quick").runs() == 1);
    // A 5-minute grace would time the test out if close() waited for it.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(WAIT, health::close);
    assertThat(newHealthThreads(before)).isEmpty();
  }

  @Test
  void aCheckThatIgnoresInterruptsOutlivesCloseUntilItReturns() throws InterruptedException {
    Set<Thread> before = healthThreads();
    Stubborn stubborn = new Stubborn("stubborn");
    HealthRegistry health =
        HealthRegistry.builder()
            .config(LONG_TIMEOUT)
            .shutdownGrace(Duration.ofMillis(100))
            .probe(stubborn)
            .build();
    assertThat(stubborn.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    health.close(); // waits 100ms, interrupts, waits 100ms, gives up and logs a warning

    Thread t = stubborn.thread.get();
    assertThat(stubborn.interrupts.get()).isGreaterThanOrEqualTo(1);
    assertThat(t.isAlive()).as("documented: such a thread outlives close()").isTrue();
    assertThat(t.isDaemon()).as("so it cannot keep the JVM alive").isTrue();
    assertThat(health.report("stubborn").running()).isTrue();

    stubborn.release.countDown();
    await().atMost(WAIT).until(() -> !t.isAlive());
    await().atMost(WAIT).until(() -> newHealthThreads(before).isEmpty());
    assertThat(health.report("stubborn").running()).isFalse();
  }

  @Test
  void runsNeverOverlapEvenWhenACheckIgnoresItsTimeout() {
    FakeClock clock = new FakeClock();
    Stubborn stuck = new Stubborn("stuck");
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .probeThreads(2)
            .shutdownGrace(Duration.ofSeconds(5))
            .config(
                HealthConfig.builder()
                    .interval(Duration.ofSeconds(10))
                    .timeout(Duration.ofSeconds(2))
                    .failureThreshold(3)
                    .build())
            .probe(stuck)
            .build();
    try {
      clock.runDueTasks();
      await().atMost(WAIT).until(() -> stuck.started.getCount() == 0);

      clock.advance(Duration.ofSeconds(2)); // the timeout: counted, and the thread interrupted
      await().atMost(WAIT).until(() -> stuck.interrupts.get() == 1);
      ProbeReport afterTimeout = health.report("stuck");
      assertThat(afterTimeout.lastReason()).isEqualTo(HealthReason.TIMEOUT);
      assertThat(afterTimeout.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(afterTimeout.running()).isTrue();

      clock.advance(Duration.ofSeconds(8)); // 10s: due, but the first run is still going
      clock.advance(Duration.ofSeconds(10)); // 20s: again
      ProbeReport skipped = health.report("stuck");
      assertThat(skipped.skippedRuns()).isEqualTo(2);
      assertThat(skipped.consecutiveFailures()).isEqualTo(3);
      assertThat(skipped.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(skipped.runningFor()).isEqualTo(Duration.ofSeconds(20));
      assertThat(stuck.calls.get()).isEqualTo(1);

      stuck.release.countDown();
      await().atMost(WAIT).until(() -> !health.report("stuck").running());
      clock.advance(Duration.ofSeconds(10)); // 30s: runs again
      await().atMost(WAIT).until(() -> health.report("stuck").runs() == 2);
      assertThat(health.status("stuck")).isEqualTo(HealthStatus.UP);
      assertThat(stuck.calls.get()).isEqualTo(2);
      assertThat(stuck.maxConcurrent.get()).isEqualTo(1);
    } finally {
      health.close();
    }
  }

  @Test
  void aHungProbeDoesNotDelayTheOthers() {
    FakeClock clock = new FakeClock();
    Stubborn stuck = new Stubborn("stuck");
    ScriptedProbe quick = new ScriptedProbe("quick", clock);
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .probeThreads(2)
            .config(
                HealthConfig.builder()
                    .interval(Duration.ofSeconds(10))
                    .timeout(Duration.ofSeconds(2))
                    .build())
            .probe(stuck)
            .probe(quick)
            .build();
    try {
      clock.runDueTasks();
      await().atMost(WAIT).until(() -> stuck.started.getCount() == 0);
      await().atMost(WAIT).until(() -> health.report("quick").runs() == 1);
      for (int i = 2; i <= 4; i++) {
        clock.advance(Duration.ofSeconds(10));
        int expected = i;
        await().atMost(WAIT).until(() -> health.report("quick").runs() == expected);
      }
      assertThat(health.report("quick").failures()).isZero();
      assertThat(health.status("quick")).isEqualTo(HealthStatus.UP);
      assertThat(health.status("stuck")).isEqualTo(HealthStatus.DOWN);
      assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
    } finally {
      stuck.release.countDown();
      health.close();
    }
  }

  @Test
  void anInjectedExecutorIsLeftRunningButTheRegistrysChecksAreInterrupted() throws Exception {
    ExecutorService userPool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch started = new CountDownLatch(1);
      AtomicBoolean interrupted = new AtomicBoolean();
      HealthProbe blocking =
          HealthProbe.of(
              "blocking",
              () -> {
                started.countDown();
                try {
                  new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                  interrupted.set(true);
                  throw e;
                }
                return HealthCheckResult.up();
              });
      HealthRegistry health =
          HealthRegistry.builder()
              .config(LONG_TIMEOUT)
              .executor(userPool)
              .shutdownGrace(Duration.ofMillis(100))
              .probe(blocking)
              .build();
      assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      health.close();
      // close() waits only 100 ms for the interrupted check; on a loaded machine its thread may
      // run the catch block later, so wait for it rather than race it.
      await().atMost(WAIT).untilTrue(interrupted);
      assertThat(userPool.isShutdown()).isFalse();
      assertThat(userPool.submit(() -> Thread.currentThread().isInterrupted()).get())
          .as("the pool thread was handed back without the interrupt")
          .isFalse();
    } finally {
      userPool.shutdownNow();
      assertThat(userPool.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
  }
}
