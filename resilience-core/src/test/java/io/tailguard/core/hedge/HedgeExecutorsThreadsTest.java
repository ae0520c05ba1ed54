package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The platform pool's threads do not keep the JVM alive, and a shutdown says so when an attempt
 * outlives it.
 */
class HedgeExecutorsThreadsTest {

  @Test
  void platformPoolThreadsAreDaemons() throws Exception {
    ExecutorService pool = HedgeExecutors.newPlatformPool();
    try {
      CompletableFuture<Boolean> daemon = new CompletableFuture<>();
      pool.execute(() -> daemon.complete(Thread.currentThread().isDaemon()));
      assertThat(daemon.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aShutdownReportsAnAttemptThatIgnoresInterruptsPastTheGrace() throws Exception {
    ExecutorService pool = HedgeExecutors.newPlatformPool();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean release = new AtomicBoolean();
    pool.execute(
        () -> {
          started.countDown();
          while (!release.get()) {
            Thread.onSpinWait(); // deaf to interrupts until the test lets it go
          }
        });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      assertThat(HedgeExecutors.shutdown(pool, Duration.ZERO)).isFalse();
    } finally {
      release.set(true);
    }
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
