package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.CurrentAttempt;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Cancelling the future a {@code CompletionStage} method with a {@code fallbackMethod} returned
 * reaches the call. The fallback wrapped the call in a dependent future, and a dependent's cancel
 * never travels back to its source: the hedged call kept running, its attempts kept their hedge
 * slots and breaker permits, and losing hedges were never told to stop.
 */
class StageCancellationTests {

  static final FakeClock clock = new FakeClock();
  final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
          .withBean("attemptExecutor", ExecutorService.class, () -> executor)
          .withUserConfiguration(Beans.class)
          .withPropertyValues(
              "resilience.hedge.instances.slow.max-hedges=1",
              "resilience.hedge.instances.slow.delay.strategy=fixed",
              "resilience.hedge.instances.slow.delay.delay=50ms");

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    Calls calls() {
      return new Calls();
    }

    @Bean
    Slow slow(Calls calls) {
      return new Slow(calls);
    }

    /** The engines on a fake clock, so the hedge starts when the test says. */
    @Bean(destroyMethod = "close")
    ResilienceRuntime resilienceRuntime(ResilienceConfig config, ExecutorService attemptExecutor) {
      return FakeClockRuntime.build(config, clock, attemptExecutor);
    }
  }

  /** What the methods returned and saw; a bean of its own, so it is not proxied. */
  public static class Calls {
    final List<CompletableFuture<String>> calls = new CopyOnWriteArrayList<>();
    final List<AttemptContext> attempts = new CopyOnWriteArrayList<>();
    final AtomicInteger fallbacks = new AtomicInteger();
  }

  /** Methods whose calls never answer. */
  public static class Slow {
    private final Calls seen;

    public Slow(Calls seen) {
      this.seen = seen;
    }

    @Hedged(value = "slow", fallbackMethod = "fallback")
    public CompletableFuture<String> hedged(String q) {
      CurrentAttempt.get().ifPresent(seen.attempts::add);
      CompletableFuture<String> f = new CompletableFuture<>();
      seen.calls.add(f);
      return f;
    }

    @CircuitProtected(value = "slow", fallbackMethod = "fallback")
    public CompletableFuture<String> protectedCall(String q) {
      CompletableFuture<String> f = new CompletableFuture<>();
      seen.calls.add(f);
      return f;
    }

    CompletableFuture<String> fallback(String q, RuntimeException e) {
      seen.fallbacks.incrementAndGet();
      return CompletableFuture.completedFuture("fallback:" + q);
    }
  }

  @Test
  void cancellingAHedgedStageWithAFallbackCancelsEveryAttempt() {
    runner.run(
        context -> {
          Slow slow = context.getBean(Slow.class);
          Calls seen = context.getBean(Calls.class);
          CompletableFuture<String> result = slow.hedged("q");
          assertThat(seen.calls).hasSize(1);
          clock.advance(Duration.ofMillis(50)); // the hedge starts on the executor
          await().until(() -> seen.calls.size() == 2);

          assertThat(result.cancel(true)).isTrue();

          // Both attempts were told to stop (the hedge's body may still be handing its stage
          // over on the executor), and the call left the hedger.
          assertThat(seen.attempts).allSatisfy(a -> assertThat(a.isCancelled()).isTrue());
          await()
              .untilAsserted(
                  () -> assertThat(seen.calls).allSatisfy(f -> assertThat(f).isCancelled()));
          assertThat(context.getBean(HedgerRegistry.class).hedger("slow").describe())
              .containsEntry("inFlight", 0);
          // The caller's cancellation is not a failure for the fallback to answer.
          assertThat(result).isCancelled();
          assertThat(seen.fallbacks).hasValue(0);
        });
  }

  @Test
  void cancellingAProtectedStageWithAFallbackCancelsTheCallAndFreesItsPermit() {
    runner.run(
        context -> {
          Slow slow = context.getBean(Slow.class);
          Calls seen = context.getBean(Calls.class);
          CompletableFuture<String> result = slow.protectedCall("q");
          assertThat(result.cancel(true)).isTrue();
          assertThat(seen.calls.get(0)).isCancelled();
          CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).breaker("slow");
          // Released, not counted: a caller giving up says nothing about the dependency.
          assertThat(breaker.metrics().failedCalls()).isZero();
          assertThat(breaker.metrics().successfulCalls()).isZero();
          assertThat(seen.fallbacks).hasValue(0);
        });
  }
}
