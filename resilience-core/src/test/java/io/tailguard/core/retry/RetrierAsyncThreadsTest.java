package io.tailguard.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.DefaultScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Asynchronous retries on a real scheduler: the scheduler's thread only waits out the backoff and
 * hands the next attempt to the retrier's executor, so an attempt that blocks never holds up the
 * other timers of the process.
 */
class RetrierAsyncThreadsTest {

  static final long WAIT_SECONDS = 10;

  final DefaultScheduler scheduler = new DefaultScheduler("timers", Duration.ofSeconds(2));
  final CountDownLatch release = new CountDownLatch(1);
  Retrier retrier;

  @AfterEach
  void stop() {
    release.countDown();
    if (retrier != null) {
      retrier.close();
    }
    scheduler.close();
  }

  static RetryPolicy quick(int attempts) {
    return RetryPolicy.builder()
        .maxAttempts(attempts)
        .baseDelay(Duration.ofMillis(1))
        .maxDelay(Duration.ofMillis(1))
        .jitter(Jitter.NONE)
        .noBudget()
        .build();
  }

  Thread schedulerThread() throws InterruptedException {
    AtomicReference<Thread> t = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.schedule(
        () -> {
          t.set(Thread.currentThread());
          ran.countDown();
        },
        Duration.ZERO);
    assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return t.get();
  }

  @Test
  void aBlockingRetryAttemptDoesNotStopTheSchedulersOtherTimers() throws Exception {
    Thread timerThread = schedulerThread();
    retrier = Retrier.builder("blocking").policy(quick(2)).scheduler(scheduler).build();
    CountDownLatch secondStarted = new CountDownLatch(1);
    AtomicReference<Thread> secondThread = new AtomicReference<>();
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> f =
        retrier.callAsync(
            () -> {
              if (attempts.incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new IOException("first"));
              }
              secondThread.set(Thread.currentThread());
              secondStarted.countDown();
              try {
                release.await(3 * WAIT_SECONDS, TimeUnit.SECONDS); // a body that blocks
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return CompletableFuture.completedFuture("ok");
            });
    assertThat(secondStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    // While the second attempt blocks, another timer of the same scheduler still fires.
    CountDownLatch otherTimer = new CountDownLatch(1);
    scheduler.schedule(otherTimer::countDown, Duration.ZERO);
    boolean fired = otherTimer.await(WAIT_SECONDS, TimeUnit.SECONDS);
    release.countDown();
    assertThat(fired).as("a timer scheduled while a retry attempt blocks").isTrue();
    assertThat(f).succeedsWithin(Duration.ofSeconds(WAIT_SECONDS)).isEqualTo("ok");
    assertThat(secondThread.get()).isNotSameAs(timerThread);
  }

  @Test
  void everyAttemptAfterTheFirstRunsOffTheSchedulersThread() throws Exception {
    Thread timerThread = schedulerThread();
    retrier = Retrier.builder("threads").policy(quick(4)).scheduler(scheduler).build();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    CompletableFuture<String> f =
        retrier.callAsync(
            () ->
                threads.size() < 3 && threads.add(Thread.currentThread())
                    ? CompletableFuture.failedFuture(new IOException("again"))
                    : CompletableFuture.completedFuture("ok"));
    assertThat(f).succeedsWithin(Duration.ofSeconds(WAIT_SECONDS)).isEqualTo("ok");
    assertThat(threads).hasSize(3);
    assertThat(threads.get(0)).isSameAs(Thread.currentThread()); // the first on the caller's
    assertThat(threads.subList(1, 3))
        .allSatisfy(
            t -> {
              assertThat(t).isNotSameAs(timerThread);
              assertThat(t.getName()).doesNotStartWith("tailguard-timers");
            });
    assertThat(retrier.metrics().successRetry()).isEqualTo(1);
  }
}
