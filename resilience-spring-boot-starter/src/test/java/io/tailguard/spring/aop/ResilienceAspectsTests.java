package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.autoconfigure.ResilienceAnnotationsVerifier;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.test.StepVerifier;

class ResilienceAspectsTests {

  static final FakeClock clock = new FakeClock();
  final ExecutorService attempts = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    attempts.shutdownNow();
  }

  ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
        .withBean("attemptExecutor", ExecutorService.class, () -> attempts)
        .withUserConfiguration(Beans.class)
        .withPropertyValues(
            "resilience.circuit-breaker.instances.quotes.min-calls=2",
            "resilience.circuit-breaker.instances.quotes.failure-rate-threshold=0.6",
            "resilience.circuit-breaker.instances.search.min-calls=100",
            "resilience.hedge.instances.search.delay.strategy=fixed",
            "resilience.hedge.instances.search.delay.delay=50ms",
            "resilience.rate-limiter.instances.quotes-api.capacity=2",
            "resilience.rate-limiter.instances.quotes-api.window=1m",
            "resilience.retry.policies.quick.max-attempts=3",
            "resilience.retry.policies.quick.base-delay=10ms",
            "resilience.retry.policies.quick.jitter=none",
            "resilience.retry.policies.quick.budget=off");
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

    /** The engines on a fake clock, so hedges fire when the test says. */
    @Bean(destroyMethod = "close")
    ResilienceRuntime resilienceRuntime(ResilienceConfig config, ExecutorService attemptExecutor) {
      return FakeClockRuntime.build(config, clock, attemptExecutor);
    }
  }

  /** Fails the first {@code failures} calls with IllegalStateException, then answers. */
  static java.util.function.Function<String, String> failing(
      int failures, java.util.concurrent.atomic.AtomicInteger calls) {
    return s -> {
      if (calls.incrementAndGet() <= failures) {
        throw new IllegalStateException("flaky " + calls.get());
      }
      return "ok:" + s;
    };
  }

  @Test
  void retriedMethodsRunAgainAfterTheirBackoffAndFallBackWhenAttemptsRunOut() {
    runner()
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              QuoteService.Downstream downstream = context.getBean(QuoteService.Downstream.class);
              var calls = new java.util.concurrent.atomic.AtomicInteger();
              downstream.behaviour = failing(2, calls);
              long before = clock.nanoTime();
              assertThat(service.flaky("a")).isEqualTo("ok:a");
              assertThat(calls).hasValue(3);
              // The fake clock is the sleeper: 10 ms, then 20 ms of backoff.
              assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofMillis(30).toNanos());

              calls.set(0);
              downstream.behaviour = failing(10, calls);
              assertThatThrownBy(() -> service.flaky("b"))
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessage("flaky 3")
                  .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
              assertThat(calls).hasValue(3);

              calls.set(0);
              assertThat(service.flakyWithFallback("c")).isEqualTo("gave-up:c:2");

              RetryRegistry retriers = context.getBean(RetryRegistry.class);
              assertThat(retriers.retrier("quick").metrics().successRetry()).isEqualTo(1);
              assertThat(retriers.retrier("quick").metrics().exhausted()).isEqualTo(2);
            });
  }

  @Test
  void retriedStagesAndMonosRetryWithoutBlocking() {
    runner()
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              QuoteService.Downstream downstream = context.getBean(QuoteService.Downstream.class);
              var calls = new java.util.concurrent.atomic.AtomicInteger();
              downstream.behaviour = failing(1, calls);
              CompletableFuture<String> stage = service.flakyAsync("s");
              assertThat(stage).isNotDone(); // waiting for the backoff on the scheduler
              clock.advance(Duration.ofMillis(10));
              // the scheduler handed the retry to the attempt executor, a thread of its own
              assertThat(stage).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("ok:s");

              calls.set(0);
              var mono = service.flakyMono("m");
              assertThat(calls).hasValue(0); // nothing until subscribed
              StepVerifier.create(mono)
                  .then(() -> clock.advance(Duration.ofMillis(10)))
                  .expectNext("ok:m")
                  .expectComplete()
                  .verify(Duration.ofSeconds(10)); // the retry runs on the attempt executor
              assertThat(calls).hasValue(2);

              // A Flux: each attempt a new subscription; elements emitted once one completes.
              calls.set(0);
              var flux = service.flakyFlux("f");
              StepVerifier.create(flux)
                  .then(() -> clock.advance(Duration.ofMillis(10)))
                  .expectNext("ok:f", "ok:f2")
                  .expectComplete()
                  .verify(Duration.ofSeconds(10)); // the retry runs on the attempt executor
              assertThat(calls).hasValue(3); // f failed, then f and f2
            });
  }

  @Test
  void rateLimitedFluxesTakeAPermitPerSubscription() {
    runner()
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              var flux = service.limitedFlux("hooli");
              StepVerifier.create(flux).expectNext("quote:hooli", "quote:hooli").verifyComplete();
              StepVerifier.create(flux).expectNext("quote:hooli", "quote:hooli").verifyComplete();
              StepVerifier.create(flux).verifyError(RateLimitExceededException.class);
            });
  }

  @Test
  void everyRetryAttemptPassesTheBreaker() {
    runner()
        .withPropertyValues("resilience.circuit-breaker.instances.retried-breaker.min-calls=100")
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              QuoteService.Downstream downstream = context.getBean(QuoteService.Downstream.class);
              var calls = new java.util.concurrent.atomic.AtomicInteger();
              downstream.behaviour = failing(2, calls);
              assertThat(service.flakyBehindABreaker("x")).isEqualTo("ok:x");
              CircuitBreaker breaker =
                  context.getBean(CircuitBreakerRegistry.class).breaker("retried-breaker");
              assertThat(breaker.metrics().failedCalls()).isEqualTo(2);
              assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
            });
  }

  @Test
  void rateLimitedMethodsTakeAPermitPerKeyFromTheirSpelExpression() {
    runner()
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              QuoteService.Downstream downstream = context.getBean(QuoteService.Downstream.class);
              var acme = new QuoteService.Request("acme", "ACME");
              assertThat(service.limited(acme)).isEqualTo("quote:ACME");
              assertThat(service.limited(acme)).isEqualTo("quote:ACME");
              downstream.behaviour = s -> "ran:" + s;
              assertThatThrownBy(() -> service.limited(acme))
                  .isInstanceOfSatisfying(
                      RateLimitExceededException.class,
                      e -> {
                        assertThat(e.limiterName()).isEqualTo("quotes-api");
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
                      });
              // The refused call never reached the method.
              assertThat(service.limitedWithFallback(acme)).isEqualTo("busy:acme");
              // Another key has its own limit.
              assertThat(service.limited(new QuoteService.Request("globex", "G")))
                  .isEqualTo("ran:G");
              RateLimiterRegistry limiters = context.getBean(RateLimiterRegistry.class);
              assertThat(limiters.limiter("quotes-api").keyCount()).isEqualTo(2);
              clock.advance(Duration.ofSeconds(30));
              assertThat(service.limited(acme)).isEqualTo("ran:ACME");
            });
  }

  @Test
  void rateLimitedStagesMonosAndSharedLimits() {
    runner()
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              assertThat(service.limitedAsync("initech").get()).isEqualTo("quote:initech");
              assertThat(service.limitedAsync("initech").get()).isEqualTo("quote:initech");
              CompletableFuture<String> refused = service.limitedAsync("initech");
              assertThat(refused)
                  .failsWithin(Duration.ofSeconds(5))
                  .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                  .withCauseInstanceOf(RateLimitExceededException.class);

              var mono = service.limitedMono("umbrella"); // a permit per subscription
              StepVerifier.create(mono).expectNext("quote:umbrella").verifyComplete();
              StepVerifier.create(mono).expectNext("quote:umbrella").verifyComplete();
              StepVerifier.create(mono).verifyError(RateLimitExceededException.class);

              assertThat(service.limitedShared("a")).isEqualTo("quote:a");
              assertThat(service.limitedShared("b")).isEqualTo("quote:b");
              assertThatThrownBy(() -> service.limitedShared("c"))
                  .isInstanceOf(RateLimitExceededException.class);
            });
  }

  @Test
  void aNullRateLimitKeyFailsTheCallNamingTheExpression() {
    runner()
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              assertThatThrownBy(() -> service.limited(new QuoteService.Request(null, "X")))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage(
                      "@RateLimited(key = \"#request.orgId\") on QuoteService.limited evaluated to"
                          + " null; a rate-limit key must not be null");
            });
  }

  @Test
  void anInvalidRateLimitKeyExpressionStopsTheApplication() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
        .withBean(BadKey.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasMessageContaining(
                        "@RateLimited(key = \"#org +\") on BadKey.call is not a valid SpEL"
                            + " expression"));
  }

  static class BadKey {
    @io.tailguard.spring.annotation.RateLimited(value = "x", key = "#org +")
    public String call(String org) {
      return org;
    }
  }

  @Test
  void plainMethodsAreCountedAndFallBackOnlyForTheFailuresTheyDeclare() {
    runner()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker quotes =
                  context.getBean(CircuitBreakerRegistry.class).breaker("quotes");
              assertThat(s.quote("ACME")).isEqualTo("quote:ACME");
              d.behaviour =
                  x -> {
                    throw new IllegalStateException("down");
                  };
              // The most specific declared type wins: IllegalStateException over RuntimeException.
              assertThat(s.quote("ACME")).isEqualTo("stale:ACME");
              assertThat(quotes.metrics().failedCalls()).isEqualTo(1);
              assertThat(quotes.metrics().successfulCalls()).isEqualTo(1);
              d.behaviour =
                  x -> {
                    throw new UnsupportedOperationException("not declared");
                  };
              assertThat(s.quote("ACME"))
                  .isEqualTo("generic:ACME"); // opens: 2 of 3 failed (>= 0.6)
              assertThat(quotes.state().name()).isEqualTo("OPEN");
              assertThat(s.quote("ACME")).isEqualTo("cached:ACME"); // rejected
              // A method whose fallback declares only rejections rethrows other failures.
              quotes.close();
              assertThatThrownBy(() -> s.quoteOnlyRejectionsFallBack("X"))
                  .isInstanceOf(UnsupportedOperationException.class);
            });
  }

  @Test
  void completionStagesAreCountedWhenTheyCompleteAndFallBackAsynchronously() {
    runner()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker quotes =
                  context.getBean(CircuitBreakerRegistry.class).breaker("quotes");
              assertThat(s.quoteAsync("A").get(10, TimeUnit.SECONDS)).isEqualTo("quote:A");
              assertThat(quotes.metrics().successfulCalls()).isEqualTo(1);
              quotes.forceOpen();
              CompletableFuture<String> rejected = s.quoteAsync("A");
              assertThat(rejected.get(10, TimeUnit.SECONDS)).isEqualTo("cached:A");
            });
  }

  @Test
  void monoAndFluxCountOneCallPerSubscription() {
    runner()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker quotes =
                  context.getBean(CircuitBreakerRegistry.class).breaker("quotes");
              var mono = s.quoteMono("M");
              StepVerifier.create(mono).expectNext("quote:M").verifyComplete();
              StepVerifier.create(mono).expectNext("quote:M").verifyComplete();
              StepVerifier.create(s.quoteFlux("F"))
                  .expectNext("quote:F", "quote:F")
                  .verifyComplete();
              assertThat(quotes.metrics().successfulCalls()).isEqualTo(3);
              quotes.forceOpen();
              StepVerifier.create(s.quoteMono("M"))
                  .expectError(CircuitRejectedException.class)
                  .verify();
              StepVerifier.create(s.quoteFlux("F"))
                  .expectError(CircuitRejectedException.class)
                  .verify();
            });
  }

  @Test
  void everyHedgeAttemptPassesTheBreakerAndSeesTheSharedIdempotencyKey() {
    runner()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker search =
                  context.getBean(CircuitBreakerRegistry.class).breaker("search");
              CountDownLatch primaryStarted = new CountDownLatch(1);
              CountDownLatch release = new CountDownLatch(1);
              d.behaviour =
                  q -> {
                    if (d.attempts.size() == 1) {
                      primaryStarted.countDown();
                      try {
                        release.await(); // the primary hangs until interrupted
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("primary interrupted");
                      }
                    }
                    return "result:" + q;
                  };
              CompletableFuture<String> result =
                  CompletableFuture.supplyAsync(() -> s.search("q"), attempts);
              assertThat(primaryStarted.await(10, TimeUnit.SECONDS)).isTrue();
              org.awaitility.Awaitility.await().until(() -> clock.pendingTasks() >= 2);
              clock.advance(Duration.ofMillis(50));
              assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("result:q");
              assertThat(d.attempts).hasSize(2);
              assertThat(d.attempts.get(0).idempotencyKey())
                  .isEqualTo(d.attempts.get(1).idempotencyKey());
              assertThat(d.attempts.get(1).isHedge()).isTrue();
              // Each attempt took a breaker permit; the winner counted, the loser was released.
              assertThat(search.metrics().successfulCalls()).isEqualTo(1);
              assertThat(search.metrics().failedCalls()).isZero();
            });
  }

  @Test
  void hedgedStagesMonosAndFluxesReturnTheWinner() {
    runner()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              assertThat(s.searchAsync("a").get(10, TimeUnit.SECONDS)).isEqualTo("quote:a");
              StepVerifier.create(s.searchMono("m")).expectNext("quote:m").verifyComplete();
              StepVerifier.create(s.searchFlux("f"))
                  .expectNext("quote:f1", "quote:f2")
                  .verifyComplete();
              assertThat(d.attempts).hasSize(2); // one attempt each for the stage and the Mono
            });
  }

  @Test
  void unknownNamesGetTheDefaultsAndAreReportedOnce() {
    runner()
        .withPropertyValues("resilience.circuit-breaker.instances.quotes.min-calls=5")
        .run(
            context -> {
              ResilienceAnnotationsVerifier v =
                  context.getBean(ResilienceAnnotationsVerifier.class);
              assertThat(v.unknownBreakers()).doesNotContain("quotes", "search");
              assertThat(v.unknownHedgers()).isEmpty();
              assertThat(v.unknownLimiters()).isEmpty();
            });
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
        .withBean(QuoteService.Downstream.class)
        .withBean(QuoteService.class)
        .run(
            context -> {
              ResilienceAnnotationsVerifier v =
                  context.getBean(ResilienceAnnotationsVerifier.class);
              assertThat(v.unknownBreakers())
                  .containsExactlyInAnyOrder("quotes", "search", "retried-breaker");
              assertThat(v.unknownHedgers()).containsExactly("search");
              assertThat(v.unknownLimiters()).containsExactly("quotes-api");
              assertThat(v.unknownPolicies()).containsExactly("quick");
            });
  }

  @Test
  void aMissingFallbackMethodStopsTheApplication() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
        .withBean(BrokenFallback.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .anyMatch(
                      m -> m.contains("fallbackMethod 'nope' of") && m.contains("does not exist"));
            });
  }

  @Test
  void anInvalidAspectOrderStopsTheApplication() {
    runner()
        .withPropertyValues("resilience.aspects.order=hedged,circuit-protected")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(messages(context.getStartupFailure()))
                  .contains(
                      "resilience.aspects.order must list each of [rate-limited, retried, hedged,"
                          + " circuit-protected] exactly once, outermost first, was [hedged,"
                          + " circuit-protected]");
            });
  }

  @Test
  void theAspectOrderCanPutTheBreakerOutsideTheHedger() {
    runner()
        .withPropertyValues(
            "resilience.aspects.order=rate-limited,retried,circuit-protected,hedged")
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker search =
                  context.getBean(CircuitBreakerRegistry.class).breaker("search");
              d.behaviour =
                  q -> {
                    throw new IllegalStateException("every attempt fails");
                  };
              assertThatThrownBy(() -> s.search("q")).isInstanceOf(IllegalStateException.class);
              // Every attempt ran (each failure started the next hedge at once) but the breaker
              // outside saw one call.
              assertThat(d.attempts).hasSize(1 + HedgeConfig.defaults().maxHedges());
              assertThat(search.metrics().failedCalls()).isEqualTo(1);
            });
  }

  static java.util.List<String> messages(Throwable t) {
    java.util.List<String> m = new java.util.ArrayList<>();
    for (Throwable c = t; c != null; c = c.getCause()) {
      m.add(c.getMessage());
    }
    return m;
  }

  /** A bean naming a fallback method that does not exist. */
  public static class BrokenFallback {
    @io.tailguard.spring.annotation.CircuitProtected(value = "x", fallbackMethod = "nope")
    public String call() {
      return "x";
    }
  }
}
