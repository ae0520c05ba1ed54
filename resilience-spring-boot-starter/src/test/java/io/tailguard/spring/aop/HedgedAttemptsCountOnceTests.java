package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With the auto-configured engines (not a test runtime), an attempt of a method that is both
 * {@code @Hedged("search")} and {@code @CircuitProtected("search")} passes the breaker once:
 * through the aspect, not a second time through a hedger linked to the breaker of the same name.
 * Counted twice, each attempt took two half-open permits, so with a few concurrent callers the
 * second acquire was refused inside the hedger's own permit, recorded as a failed trial, and the
 * breaker never closed again.
 */
class HedgedAttemptsCountOnceTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
          .withUserConfiguration(Beans.class)
          .withPropertyValues(
              "resilience.hedge.instances.search.delay.strategy=fixed",
              "resilience.hedge.instances.search.delay.delay=10s");

  @Test
  void aHedgedAttemptIsOneCallAtTheBreakerOfTheSameName() {
    runner.run(
        context -> {
          QuoteService service = context.getBean(QuoteService.class);
          CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).breaker("search");
          assertThat(service.search("q")).isEqualTo("quote:q");
          assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
        });
  }

  @Test
  void aHalfOpenBreakerWithOneTrialPermitClosesAfterOneHedgedCall() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.instances.search.min-calls=1",
            "resilience.circuit-breaker.instances.search.half-open-max-concurrent=1",
            "resilience.circuit-breaker.instances.search.half-open-required-successes=1",
            "resilience.circuit-breaker.instances.search.open-cooldown=1ms",
            "resilience.hedge.instances.search.max-hedges=1",
            "resilience.hedge.instances.search.fatal-exceptions=java.lang.IllegalStateException")
        .run(
            context -> {
              QuoteService service = context.getBean(QuoteService.class);
              QuoteService.Downstream downstream = context.getBean(QuoteService.Downstream.class);
              CircuitBreaker breaker =
                  context.getBean(CircuitBreakerRegistry.class).breaker("search");
              downstream.behaviour =
                  s -> {
                    throw new IllegalStateException("down");
                  };
              assertThatThrownBy(() -> service.search("q"))
                  .isInstanceOf(IllegalStateException.class);
              assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
              await().until(() -> breaker.remainingCooldown().isZero());
              downstream.behaviour = s -> "quote:" + s;
              // The trial takes the one permit; counted twice, the second acquire was refused.
              assertThat(service.search("q")).isEqualTo("quote:q");
              assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
            });
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
  }
}
