package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.spring.actuate.ResilienceHealthContributor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Issue 16: an {@code enabled} switch per section turns that section's annotations (or the health
 * contributor and probes) off, leaving the engines as beans; a value other than true or false stops
 * the application naming the property.
 */
class SectionSwitchesTests {

  private static final List<String> ADVISORS =
      List.of("circuitProtectedAdvisor", "hedgedAdvisor", "retriedAdvisor", "rateLimitedAdvisor");

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class,
                  ResilienceAspectsAutoConfiguration.class,
                  ResilienceHealthAutoConfiguration.class));

  @Test
  void everySectionIsOnByDefault() {
    runner.run(
        context -> {
          for (String advisor : ADVISORS) {
            assertThat(context).hasBean(advisor);
          }
          assertThat(context).hasSingleBean(ResilienceHealthContributor.class);
          assertThat(context).hasBean("resilienceHealthProbeRegistrar");
        });
  }

  @Test
  void eachSwitchTurnsOffOnlyItsOwnAnnotation() {
    String[][] cases = {
      {"circuit-breaker", "circuitProtectedAdvisor"},
      {"hedge", "hedgedAdvisor"},
      {"retry", "retriedAdvisor"},
      {"rate-limiter", "rateLimitedAdvisor"},
    };
    for (String[] c : cases) {
      runner
          .withPropertyValues("resilience." + c[0] + ".enabled=false")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(c[1]);
                ADVISORS.stream()
                    .filter(a -> !a.equals(c[1]))
                    .forEach(a -> assertThat(context).hasBean(a));
                assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
                assertThat(context).hasSingleBean(HedgerRegistry.class);
              });
    }
  }

  @Test
  void theHealthSwitchTurnsOffTheContributorAndTheProbes() {
    runner
        .withPropertyValues("resilience.health.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ResilienceHealthContributor.class);
              assertThat(context).doesNotHaveBean("resilienceHealthProbeRegistrar");
            });
  }

  @Test
  void relaxedNamesWork() {
    runner
        .withPropertyValues("resilience.circuitBreaker.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean("circuitProtectedAdvisor");
            });
  }

  @Test
  void aValueOtherThanTrueOrFalseIsRefusedNamingTheProperty() {
    runner
        .withPropertyValues("resilience.retry.enabled=yes")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("resilience.retry.enabled"));
  }
}
