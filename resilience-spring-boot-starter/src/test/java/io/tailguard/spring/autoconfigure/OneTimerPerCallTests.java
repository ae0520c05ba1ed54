package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tailguard.spring.metrics.ObservationTimerFilter;
import io.tailguard.spring.observation.DefaultResilienceCallConvention;
import io.tailguard.spring.observation.ResilienceCallContext;
import io.tailguard.spring.observation.ResilienceCallConvention;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Each protected call is timed once, by {@code resilience.call.duration}: the {@code
 * resilience.call} observation stays (for tracing and other handlers) but Boot's meter handler
 * makes no timer of it; percentile histograms are opt-in through Boot's own property.
 */
class OneTimerPerCallTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(ResilienceConditionsTests.ALL)
          .withBean(ResilienceConditionsTests.Annotated.class)
          // One attempt per call however slow the machine: a hedge would add a breaker call.
          .withPropertyValues(
              "resilience.hedge.instances.inventory.delay.strategy=fixed",
              "resilience.hedge.instances.inventory.delay.delay=1m");

  @Test
  void theObservationIsThereButItsTimersAreNot() {
    List<String> observed = new CopyOnWriteArrayList<>();
    runner
        .withBean(
            "recording",
            ObservationHandler.class,
            () ->
                new ObservationHandler<ResilienceCallContext>() {
                  @Override
                  public boolean supportsContext(
                      io.micrometer.observation.Observation.Context context) {
                    return context instanceof ResilienceCallContext;
                  }

                  @Override
                  public void onStop(ResilienceCallContext context) {
                    observed.add(context.engine());
                  }
                })
        .run(
            context -> {
              assertThat(context).hasSingleBean(ObservationTimerFilter.class);
              assertThat(context).hasSingleBean(ObservationRegistry.class);
              context.getBean(ResilienceConditionsTests.Annotated.class).all("x");
              assertThat(observed)
                  .containsExactlyInAnyOrder("rate-limiter", "hedge", "circuit-breaker");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              // The engines record their calls (a rate limiter's permits are counters instead).
              assertThat(registry.find("resilience.call.duration").timers())
                  .extracting(t -> t.getId().getTag("engine"))
                  .containsExactlyInAnyOrder("hedge", "circuit-breaker");
              assertThat(registry.find("resilience.call").meters()).isEmpty();
              assertThat(registry.find("resilience.call.active").meters()).isEmpty();
            });
  }

  @Test
  void bootsPercentilesHistogramPropertyTurnsTheBucketsOn() {
    ApplicationContextRunner prometheus =
        runner.withConfiguration(
            AutoConfigurations.of(PrometheusMetricsExportAutoConfiguration.class));
    prometheus.run(
        context -> {
          context.getBean(ResilienceConditionsTests.Annotated.class).all("x");
          assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
              .contains("resilience_call_duration_seconds_count{")
              .doesNotContain("resilience_call_duration_seconds_bucket{");
        });
    prometheus
        .withPropertyValues(
            "management.metrics.distribution.percentiles-histogram.resilience.call.duration=true")
        .run(
            context -> {
              context.getBean(ResilienceConditionsTests.Annotated.class).all("x");
              assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
                  .contains(
                      "resilience_call_duration_seconds_bucket{engine=\"circuit-breaker\","
                          + "name=\"inventory\",outcome=\"success\",le=\"0.001\"}");
            });
  }

  @Test
  void aConventionsNameIsTheOneWhoseTimersAreDenied() {
    runner
        .withBean(
            ResilienceCallConvention.class,
            () ->
                new DefaultResilienceCallConvention() {
                  @Override
                  public String getName() {
                    return "payments.call";
                  }

                  @Override
                  public KeyValues getLowCardinalityKeyValues(ResilienceCallContext c) {
                    return super.getLowCardinalityKeyValues(c);
                  }
                })
        .run(
            context -> {
              context.getBean(ResilienceConditionsTests.Annotated.class).all("x");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.find("payments.call").meters()).isEmpty();
              assertThat(registry.find("resilience.call.duration").timers()).hasSize(2);
            });
  }

  @Test
  void anApplicationsFilterThatDeniesNothingKeepsTheObservationsTimers() {
    runner
        .withBean(ObservationTimerFilter.class, () -> new ObservationTimerFilter(""))
        .run(
            context -> {
              context.getBean(ResilienceConditionsTests.Annotated.class).all("x");
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.find("resilience.call").timers()).hasSize(3);
              assertThat(registry.find("resilience.call.duration").timers()).hasSize(2);
            });
  }
}
