package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.spring.annotation.Retried;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;

/**
 * A {@code @Retried} method returning a stage or a Mono is invoked again (and its Mono subscribed
 * again) on the starter's attempt executor, never on the shared scheduler's timer thread: a retry
 * whose body blocks does not hold up the hedge delays, probes and backoffs of the application.
 */
class RetriedAttemptThreadsTests {

  static final long WAIT_SECONDS = 10;

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
          .withBean(Attempts.class)
          .withBean(SlowSecondAttempt.class)
          .withPropertyValues(
              "resilience.retry.policies.blocking.max-attempts=2",
              "resilience.retry.policies.blocking.base-delay=1ms",
              "resilience.retry.policies.blocking.max-delay=1ms",
              "resilience.retry.policies.blocking.jitter=none",
              "resilience.retry.policies.blocking.budget=off");

  /** What the attempts did; a bean of its own, as the service's fields hide behind its proxy. */
  static final class Attempts {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch secondStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicReference<Thread> secondThread = new AtomicReference<>();

    /** Returns whether this is the first attempt; blocks in the second. */
    boolean firstOrBlock() {
      if (calls.incrementAndGet() == 1) {
        return true;
      }
      secondThread.set(Thread.currentThread());
      secondStarted.countDown();
      try {
        release.await(3 * WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }

  /** Fails its first attempt; its second blocks until released. */
  public static class SlowSecondAttempt {
    private final Attempts attempts;

    public SlowSecondAttempt(Attempts attempts) {
      this.attempts = attempts;
    }

    @Retried("blocking")
    public CompletableFuture<String> stage() {
      // blocks before it returns its stage, as a method wrapping a blocking client would
      return attempts.firstOrBlock()
          ? CompletableFuture.failedFuture(new IllegalStateException("first"))
          : CompletableFuture.completedFuture("stage");
    }

    @Retried("blocking")
    public Mono<String> mono() {
      return Mono.fromCallable(
          () -> {
            if (attempts.firstOrBlock()) {
              throw new IllegalStateException("first");
            }
            return "mono";
          });
    }
  }

  static Thread threadOf(DefaultScheduler scheduler) throws InterruptedException {
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

  void assertTheSecondAttemptLeavesTheTimersFree(
      Function<SlowSecondAttempt, CompletableFuture<String>> call, String answer) {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          DefaultScheduler scheduler =
              context.getBean("tailguardScheduler", DefaultScheduler.class);
          SlowSecondAttempt service = context.getBean(SlowSecondAttempt.class);
          Attempts attempts = context.getBean(Attempts.class);
          try {
            Thread timerThread = threadOf(scheduler);
            CompletableFuture<String> result = call.apply(service);
            assertThat(attempts.secondStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

            CountDownLatch otherTimer = new CountDownLatch(1);
            scheduler.schedule(otherTimer::countDown, Duration.ZERO);
            boolean fired = otherTimer.await(WAIT_SECONDS, TimeUnit.SECONDS);
            attempts.release.countDown();
            assertThat(fired).as("a timer scheduled while a retry attempt blocks").isTrue();
            assertThat(result).succeedsWithin(Duration.ofSeconds(WAIT_SECONDS)).isEqualTo(answer);
            assertThat(attempts.calls).hasValue(2);
            assertThat(attempts.secondThread.get()).isNotSameAs(timerThread);
          } finally {
            attempts.release.countDown();
          }
        });
  }

  @Test
  void aRetriedStageIsInvokedAgainOffTheSchedulersThread() {
    assertTheSecondAttemptLeavesTheTimersFree(SlowSecondAttempt::stage, "stage");
  }

  @Test
  void aRetriedMonoIsSubscribedAgainOffTheSchedulersThread() {
    assertTheSecondAttemptLeavesTheTimersFree(s -> s.mono().toFuture(), "mono");
  }
}
