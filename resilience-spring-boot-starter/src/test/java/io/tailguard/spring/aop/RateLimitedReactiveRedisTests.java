package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.testing.RedisExtension;
import io.tailguard.core.testing.RedisTestServer;
import io.tailguard.core.testing.TcpProxy;
import io.tailguard.spring.annotation.RateLimited;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceRedisAutoConfiguration;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A {@code @RateLimited} {@code Mono} or {@code Flux} on the Redis backend never blocks the thread
 * that subscribes (in WebFlux, a Netty event loop): the permit is asked of Redis without waiting,
 * and the method's publisher is subscribed when Redis answers. Before, the subscribing thread
 * waited for Redis, up to the command timeout.
 */
@ExtendWith(RedisExtension.class)
class RateLimitedReactiveRedisTests {

  /** Rate-limited reactive methods. */
  public static class Quotes {
    @RateLimited(value = "search", key = "#user")
    public Mono<String> quote(String user) {
      return Mono.fromSupplier(() -> "quote for " + user);
    }

    @RateLimited(value = "search", key = "#user")
    public Flux<String> quotes(String user) {
      return Flux.just("a", "b").map(q -> q + " for " + user);
    }
  }

  ApplicationContextRunner runner(String redisUri) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataRedisAutoConfiguration.class,
                ResilienceRedisAutoConfiguration.class,
                ResilienceAutoConfiguration.class,
                ResilienceAspectsAutoConfiguration.class))
        .withBean(Quotes.class)
        .withPropertyValues(
            "spring.data.redis.url=" + redisUri,
            "resilience.rate-limiter.backend=redis",
            "resilience.rate-limiter.redis.key-prefix=reactive:" + UUID.randomUUID() + ":",
            "resilience.rate-limiter.redis.failure-policy=fail-closed",
            // Far longer than the test: only Redis's answer ends a wait.
            "resilience.rate-limiter.redis.command-timeout=10s",
            "resilience.rate-limiter.instances.search.capacity=3",
            "resilience.rate-limiter.instances.search.window=1h");
  }

  @Test
  void subscribingReturnsBeforeRedisAnswersAndTheCallGoesOnWhenItDoes(RedisTestServer redis)
      throws Exception {
    try (TcpProxy proxy = redis.proxy()) {
      runner(proxy.uri())
          .run(
              context -> {
                Quotes quotes = context.getBean(Quotes.class);
                StepVerifier.create(quotes.quote("alice"))
                    .expectNext("quote for alice")
                    .verifyComplete();

                proxy.hang(); // Redis receives nothing and answers nothing
                AtomicReference<Object> signal = new AtomicReference<>();
                AtomicReference<Thread> signalledOn = new AtomicReference<>();
                CountDownLatch done = new CountDownLatch(1);
                Disposable subscription =
                    quotes
                        .quote("alice")
                        .subscribe(
                            v -> {
                              signal.set(v);
                              signalledOn.set(Thread.currentThread());
                              done.countDown();
                            },
                            e -> {
                              signal.set(e);
                              signalledOn.set(Thread.currentThread());
                              done.countDown();
                            });
                // subscribe() returned while the permit is still Redis's to give.
                assertThat(signal.get()).isNull();
                assertThat(subscription.isDisposed()).isFalse();

                proxy.restore(); // the connection drops, and the client sends it again
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(signalledOn.get()).isNotSameAs(Thread.currentThread());
                assertThat(signal.get()).isEqualTo("quote for alice");
              });
    }
  }

  @Test
  void fluxesAndRefusalsGoThroughTheAsyncPath(RedisTestServer redis) {
    runner(redis.uri())
        .run(
            context -> {
              Quotes quotes = context.getBean(Quotes.class);
              StepVerifier.create(quotes.quotes("bob"))
                  .expectNext("a for bob", "b for bob")
                  .verifyComplete();
              StepVerifier.create(quotes.quote("bob")).expectNext("quote for bob").verifyComplete();
              StepVerifier.create(quotes.quote("bob")).expectNext("quote for bob").verifyComplete();
              StepVerifier.create(quotes.quotes("bob"))
                  .expectErrorSatisfies(
                      e ->
                          assertThat(e)
                              .isInstanceOfSatisfying(
                                  RateLimitExceededException.class,
                                  r ->
                                      assertThat(r.retryAfter())
                                          .isGreaterThan(Duration.ofMinutes(19))))
                  .verify(Duration.ofSeconds(10));
            });
  }
}
