package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.hedge.HedgeMetrics;
import io.tailguard.core.hedge.HedgeTimeoutException;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A method that is both {@code @Hedged("search")} and {@code @CircuitProtected("search")}: each
 * attempt passes the breaker, a hedged call that times out is a failure there, and an open breaker
 * ends the hedged call at once instead of firing every hedge into it.
 */
class HedgedCallsAtTheBreakerTests {

  static final FakeClock clock = new FakeClock();
  final ExecutorService attempts = Executors.newCachedThreadPool();
  final ExecutorService callers = Executors.newCachedThreadPool();

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
          .withBean("attemptExecutor", ExecutorService.class, () -> attempts)
          .withUserConfiguration(Beans.class)
          .withPropertyValues(
              "resilience.circuit-breaker.instances.search.min-calls=2",
              "resilience.circuit-breaker.instances.search.open-cooldown=1m",
              // The hedge would come after the timeout: one attempt per call unless said.
              "resilience.hedge.instances.search.delay.strategy=fixed",
              "resilience.hedge.instances.search.delay.delay=5s",
              "resilience.hedge.instances.search.timeout=1s");

  @AfterEach
  void stop() {
    attempts.shutdownNow();
    callers.shutdownNow();
  }

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    QuoteService.Downstream downstream() {
      return new QuoteService.Downstream();
    }

    @Bean
    QuoteService quoteService(QuoteService.Downstream downstream) {
      return new QuoteService(downstream);
    }

    /** The engines on a fake clock, so the timeout passes when the test says. */
    @Bean(destroyMethod = "close")
    ResilienceRuntime resilienceRuntime(ResilienceConfig config, ExecutorService attemptExecutor) {
      return FakeClockRuntime.build(config, clock, attemptExecutor);
    }
  }

  static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return Sneaky.unwrap(e);
    }
    throw new AssertionError("the call did not fail");
  }

  @Test
  void aDependencyThatNeverAnswersOpensTheBreakerThroughHedgedTimeouts() {
    runner.run(
        context -> {
          QuoteService s = context.getBean(QuoteService.class);
          QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
          CircuitBreaker search = context.getBean(CircuitBreakerRegistry.class).breaker("search");
          List<CountDownLatch> started = new CopyOnWriteArrayList<>();
          d.behaviour =
              q -> {
                CountDownLatch mine = new CountDownLatch(1);
                started.add(mine);
                try {
                  new CountDownLatch(1).await(); // accepts the call and never answers
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("interrupted");
                }
                return "never";
              };
          for (int call = 1; call <= 2; call++) {
            assertThat(search.state()).isEqualTo(CircuitState.CLOSED);
            int expected = call;
            CompletableFuture<String> result =
                CompletableFuture.supplyAsync(() -> s.search("q"), callers);
            await().until(() -> started.size() == expected && clock.pendingTasks() == 2);
            clock.advance(Duration.ofSeconds(1));
            assertThat(failureOf(result)).isInstanceOf(HedgeTimeoutException.class);
            await().until(() -> search.metrics().failedCalls() == expected);
          }
          assertThat(search.state()).isEqualTo(CircuitState.OPEN);
          assertThat(search.metrics().successfulCalls()).isZero();
          assertThatThrownBy(() -> s.search("q")).isInstanceOf(CircuitRejectedException.class);
          assertThat(started).hasSize(2);
        });
  }

  @Test
  void aHedgedStageThatTimesOutIsAFailureAtTheBreakerAndALoserIsNot() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.instances.search.min-calls=100",
            "resilience.hedge.instances.search.delay.delay=100ms",
            "resilience.hedge.instances.search.max-hedges=1")
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker search =
                  context.getBean(CircuitBreakerRegistry.class).breaker("search");
              List<CompletableFuture<String>> stages = new CopyOnWriteArrayList<>();
              d.stages =
                  q -> {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    stages.add(f);
                    return f;
                  };
              CompletableFuture<String> timedOut = s.searchProtectedAsync("q");
              await().until(() -> stages.size() == 1);
              clock.advance(Duration.ofMillis(100));
              await().until(() -> stages.size() == 2);
              clock.advance(Duration.ofMillis(900));
              assertThat(failureOf(timedOut)).isInstanceOf(HedgeTimeoutException.class);
              // Both attempts were running: both are failures.
              assertThat(search.metrics().failedCalls()).isEqualTo(2);

              CompletableFuture<String> won = s.searchProtectedAsync("q");
              await().until(() -> stages.size() == 3);
              clock.advance(Duration.ofMillis(100));
              await().until(() -> stages.size() == 4);
              stages.get(3).complete("hedge");
              assertThat(won.get(10, TimeUnit.SECONDS)).isEqualTo("hedge");
              assertThat(search.metrics().successfulCalls()).isEqualTo(1);
              assertThat(search.metrics().failedCalls()).isEqualTo(2); // the loser released
            });
  }

  @Test
  void anOpenBreakerEndsTheHedgedCallAtOnceWithoutHedgesOrBudgetTokens() {
    runner.run(
        context -> {
          QuoteService s = context.getBean(QuoteService.class);
          QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
          CircuitBreaker search = context.getBean(CircuitBreakerRegistry.class).breaker("search");
          Hedger hedger = context.getBean(HedgerRegistry.class).hedger("search");
          search.forceOpen();
          double tokens = hedger.availableBudget();
          for (int call = 0; call < 3; call++) {
            assertThatThrownBy(() -> s.search("q")).isInstanceOf(CircuitRejectedException.class);
          }
          HedgeMetrics m = hedger.metrics();
          assertThat(m.attempts()).isEqualTo(3); // one per call: each primary, refused
          assertThat(m.hedges()).isZero();
          assertThat(m.budgetExhausted()).isZero();
          assertThat(hedger.availableBudget()).isGreaterThanOrEqualTo(tokens);
          assertThat(search.metrics().rejectedCalls()).isEqualTo(3);
          assertThat(d.attempts).isEmpty();
        });
  }
}
