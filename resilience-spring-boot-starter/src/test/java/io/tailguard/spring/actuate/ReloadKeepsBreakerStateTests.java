package io.tailguard.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.breaker.CircuitBreaker;
import io.tailguard.core.breaker.CircuitBreakerRegistry;
import io.tailguard.core.breaker.CircuitRejectedException;
import io.tailguard.core.breaker.CircuitState;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceEndpointAutoConfiguration;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A configuration written through {@code POST /actuator/resilience} while a breaker is OPEN leaves
 * it OPEN: when its own settings change, and when they are dropped ({@code payments: null} in the
 * patch: it goes on with the defaults), so the annotated method stays protected.
 */
class ReloadKeepsBreakerStateTests {

  static final FakeClock clock = new FakeClock();

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class,
                  ResilienceAspectsAutoConfiguration.class,
                  EndpointAutoConfiguration.class,
                  ResilienceEndpointAutoConfiguration.class))
          .withUserConfiguration(Beans.class)
          .withPropertyValues(
              "management.endpoints.web.exposure.include=resilience",
              "management.endpoint.resilience.access=UNRESTRICTED",
              "resilience.circuit-breaker.defaults.min-calls=2",
              "resilience.circuit-breaker.defaults.open-cooldown=60s",
              "resilience.circuit-breaker.instances.payments.failure-rate-threshold=0.5");

  /** Calls a downstream that fails while {@code down} is set (a bean of its own: not proxied). */
  public static class Payments {
    private final AtomicBoolean down;

    public Payments(AtomicBoolean down) {
      this.down = down;
    }

    @CircuitProtected("payments")
    public String charge() {
      if (down.get()) {
        throw new IllegalStateException("payments down");
      }
      return "charged";
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    AtomicBoolean paymentsDown() {
      return new AtomicBoolean();
    }

    @Bean
    Payments payments(AtomicBoolean paymentsDown) {
      return new Payments(paymentsDown);
    }

    /** The engines on a fake clock, so the cooldown passes when the test says. */
    @Bean(destroyMethod = "close")
    ResilienceRuntime resilienceRuntime(ResilienceConfig config) {
      return ResilienceRuntime.builder()
          .config(config)
          .clock(clock)
          .scheduler(clock)
          .executor(Runnable::run)
          .linkHedgersToBreakers(false)
          .build();
    }
  }

  @Test
  void anOpenBreakerStaysOpenWhenTheEndpointChangesOrDropsItsSettings() {
    runner.run(
        context -> {
          Payments payments = context.getBean(Payments.class);
          AtomicBoolean down = context.getBean(AtomicBoolean.class);
          ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);
          CircuitBreaker breaker =
              context.getBean(CircuitBreakerRegistry.class).breaker("payments");
          down.set(true);
          for (int i = 0; i < 2; i++) {
            assertThatThrownBy(payments::charge).isInstanceOf(IllegalStateException.class);
          }
          assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
          down.set(false);

          Map<String, Object> changed =
              endpoint.reconfigure(
                  """
                  resilience:
                    circuit-breaker:
                      defaults: {min-calls: 2, open-cooldown: 60s}
                      instances:
                        payments: {failure-rate-threshold: 0.25}
                  """,
                  null);
          assertThat(changed).containsEntry("applied", true);
          assertThat(context.getBean(CircuitBreakerRegistry.class).breaker("payments"))
              .isSameAs(breaker);
          assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
          assertThat(breaker.config().failureRateThreshold()).isEqualTo(0.25);
          assertThatThrownBy(payments::charge).isInstanceOf(CircuitRejectedException.class);

          Map<String, Object> dropped =
              endpoint.reconfigure(
                  """
                  resilience:
                    circuit-breaker:
                      instances:
                        payments: null
                  """,
                  null);
          assertThat(dropped).containsEntry("applied", true);
          assertThat(context.getBean(CircuitBreakerRegistry.class).breaker("payments"))
              .isSameAs(breaker);
          assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
          assertThatThrownBy(payments::charge).isInstanceOf(CircuitRejectedException.class);

          clock.advance(Duration.ofSeconds(60));
          assertThat(payments.charge()).isEqualTo("charged"); // the half-open trial
          assertThat(breaker.state()).isNotEqualTo(CircuitState.OPEN);
        });
  }
}
