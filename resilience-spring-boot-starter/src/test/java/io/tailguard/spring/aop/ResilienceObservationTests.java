package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceObservationAutoConfiguration;
import io.tailguard.spring.observation.DefaultResilienceCallConvention;
import io.tailguard.spring.observation.ObservationCallObserver;
import io.tailguard.spring.observation.ResilienceCallContext;
import io.tailguard.spring.observation.ResilienceCallConvention;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.test.StepVerifier;

/** Each protected call is a {@code resilience.call} observation when there is a registry. */
class ResilienceObservationTests {

  final TestObservationRegistry observations = TestObservationRegistry.create();

  ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                ResilienceAutoConfiguration.class,
                ResilienceAspectsAutoConfiguration.class,
                ResilienceObservationAutoConfiguration.class))
        .withBean(QuoteService.Downstream.class)
        .withBean(QuoteService.class)
        .withPropertyValues(
            "resilience.circuit-breaker.instances.quotes.min-calls=100",
            "resilience.hedge.instances.search.delay.strategy=fixed",
            "resilience.hedge.instances.search.delay.delay=10s",
            "resilience.rate-limiter.instances.quotes-api.capacity=2",
            "resilience.rate-limiter.instances.quotes-api.window=1h");
  }

  ApplicationContextRunner observed() {
    return runner()
        .withBean("observationRegistry", TestObservationRegistry.class, () -> observations);
  }

  /** The contexts of the finished {@code resilience.call} observations, oldest first. */
  List<ResilienceCallContext> calls() {
    List<ResilienceCallContext> calls = new ArrayList<>();
    TestObservationRegistryAssert.assertThat(observations)
        .hasHandledContextsThatSatisfy(
            contexts ->
                contexts.stream()
                    .filter(ResilienceCallContext.class::isInstance)
                    .map(ResilienceCallContext.class::cast)
                    .forEach(calls::add));
    return calls;
  }

  @Test
  void aCircuitProtectedCallIsObservedWithNameEngineAndOutcome() {
    observed()
        .run(
            context -> {
              assertThat(context).hasSingleBean(ObservationCallObserver.class);
              QuoteService s = context.getBean(QuoteService.class);
              assertThat(s.quote("A")).isEqualTo("quote:A");
              TestObservationRegistryAssert.assertThat(observations)
                  .hasSingleObservationThat()
                  .hasNameEqualTo("resilience.call")
                  .hasContextualNameEqualTo("circuit-breaker quotes")
                  .hasLowCardinalityKeyValue("name", "quotes")
                  .hasLowCardinalityKeyValue("engine", "circuit-breaker")
                  .hasLowCardinalityKeyValue("outcome", "success")
                  .doesNotHaveError()
                  .doesNotHaveParentObservation();

              // A stage ends its call when it completes; a failure no fallback declares fails it.
              QuoteService.Downstream d = context.getBean(QuoteService.Downstream.class);
              d.behaviour =
                  x -> {
                    throw new IllegalStateException("down");
                  };
              CompletableFuture<String> failed = s.quoteAsync("B");
              assertThat(failed)
                  .failsWithin(Duration.ofSeconds(10))
                  .withThrowableOfType(ExecutionException.class)
                  .withCauseInstanceOf(IllegalStateException.class);
              org.awaitility.Awaitility.await().until(() -> calls().size() == 2);
              assertThat(calls().get(1).outcome()).isEqualTo("failure");
              assertThat(calls().get(1).getError()).isInstanceOf(IllegalStateException.class);

              // A Mono is one call per subscription; an open circuit rejects it.
              context.getBean(CircuitBreakerRegistry.class).breaker("quotes").forceOpen();
              StepVerifier.create(s.quoteMono("M")).verifyError(CircuitRejectedException.class);
              assertThat(calls()).hasSize(3);
              assertThat(calls().get(2).outcome()).isEqualTo("rejected");
              assertThat(calls().get(2).getError()).isInstanceOf(CircuitRejectedException.class);
              assertThat(calls().get(2).getLowCardinalityKeyValues())
                  .contains(
                      KeyValue.of("name", "quotes"),
                      KeyValue.of("engine", "circuit-breaker"),
                      KeyValue.of("outcome", "rejected"));

              // A fallback's answer is a success for the caller.
              assertThat(s.quote("C")).isEqualTo("cached:C");
              assertThat(calls().get(3).outcome()).isEqualTo("success");
            });
  }

  @Test
  void aRateLimitedCallIsObservedWithNameEngineAndOutcome() {
    observed()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              var acme = new QuoteService.Request("acme", "ACME");
              s.limited(acme);
              assertThatThrownBy(
                      () -> {
                        s.limited(acme);
                        s.limited(acme);
                      })
                  .isInstanceOf(RateLimitExceededException.class);
              TestObservationRegistryAssert.assertThat(observations)
                  .hasNumberOfObservationsWithNameEqualTo("resilience.call", 3)
                  .forAllObservationsWithNameEqualTo(
                      "resilience.call",
                      o ->
                          o.hasLowCardinalityKeyValue("name", "quotes-api")
                              .hasLowCardinalityKeyValue("engine", "rate-limiter")
                              .doesNotHaveHighCardinalityKeyValueWithKey("key"));
              assertThat(calls())
                  .extracting(ResilienceCallContext::outcome)
                  .containsExactly("success", "success", "rejected");
              // The key (a user's organisation) appears nowhere.
              assertThat(calls().get(2).getAllKeyValues())
                  .noneMatch(kv -> kv.getValue().equals("acme"));

              // A Mono takes its permit, and is observed, per subscription.
              StepVerifier.create(s.limitedMono("umbrella"))
                  .expectNext("quote:umbrella")
                  .verifyComplete();
              assertThat(calls().get(3).outcome()).isEqualTo("success");
            });
  }

  @Test
  void aHedgedCallIsTheParentOfTheBreakerCallsOfItsAttempts() {
    observed()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              assertThat(s.search("q")).isEqualTo("quote:q");
              List<ResilienceCallContext> calls = calls();
              assertThat(calls)
                  .extracting(ResilienceCallContext::engine)
                  .containsExactlyInAnyOrder("hedge", "circuit-breaker");
              ResilienceCallContext hedge =
                  calls.stream().filter(c -> c.engine().equals("hedge")).findFirst().orElseThrow();
              ResilienceCallContext attempt =
                  calls.stream()
                      .filter(c -> c.engine().equals("circuit-breaker"))
                      .findFirst()
                      .orElseThrow();
              assertThat(hedge.instance()).isEqualTo("search");
              assertThat(hedge.outcome()).isEqualTo("success");
              io.micrometer.observation.ObservationView parent = attempt.getParentObservation();
              assertThat(parent).isNotNull();
              assertThat(parent.getContextView()).isSameAs(hedge);

              // A stage-returning hedged method ends its call when the stage completes.
              assertThat(s.searchAsync("a").get(10, TimeUnit.SECONDS)).isEqualTo("quote:a");
              org.awaitility.Awaitility.await().until(() -> calls().size() == 3);
              assertThat(calls().get(2).engine()).isEqualTo("hedge");
              assertThat(calls().get(2).outcome()).isEqualTo("success");
            });
  }

  @Test
  void fluxesAreOneCallPerSubscription() {
    observed()
        .run(
            context -> {
              QuoteService s = context.getBean(QuoteService.class);
              var flux = s.quoteFlux("F");
              StepVerifier.create(flux).expectNext("quote:F", "quote:F").verifyComplete();
              StepVerifier.create(flux.take(1)).expectNext("quote:F").verifyComplete();
              assertThat(calls())
                  .extracting(ResilienceCallContext::outcome)
                  .containsExactly("success", "cancelled");
            });
  }

  @Test
  void aConventionBeanRenamesAndRetagsTheObservations() {
    observed()
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
                    return super.getLowCardinalityKeyValues(c).and("team", "checkout");
                  }
                })
        .run(
            context -> {
              context.getBean(QuoteService.class).quote("A");
              TestObservationRegistryAssert.assertThat(observations)
                  .hasSingleObservationThat()
                  .hasNameEqualTo("payments.call")
                  .hasLowCardinalityKeyValue("team", "checkout")
                  .hasLowCardinalityKeyValue("outcome", "success");
            });
  }

  @Test
  void withoutAnObservationRegistryNothingIsObserved() {
    runner()
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(CallObserver.class);
              assertThat(context.getBean(QuoteService.class).quote("A")).isEqualTo("quote:A");
            });
    TestObservationRegistryAssert.assertThat(observations).doesNotHaveAnyObservation();
  }

  @Test
  void anApplicationsOwnObserverReplacesOurs() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    CallObserver mine =
        (name, engine, parent) ->
            new CallObserver.ObservedCall() {
              @Override
              public CallObserver.Scope openScope() {
                return () -> {};
              }

              @Override
              public Object handle() {
                return this;
              }

              @Override
              public void stop(String outcome, Throwable error) {
                seen.add(engine + " " + name + " " + outcome);
              }
            };
    observed()
        .withBean(CallObserver.class, () -> mine)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ObservationCallObserver.class);
              context.getBean(QuoteService.class).quote("A");
              assertThat(seen).containsExactly("circuit-breaker quotes success");
            });
    TestObservationRegistryAssert.assertThat(observations).doesNotHaveAnyObservation();
  }

  @Test
  void bootsObservationPropertiesApplyAndCanTurnThemOff() {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.micrometer.observation.ObservationHandler<io.micrometer.observation.Observation.Context>
        handler =
            new io.micrometer.observation.ObservationHandler<>() {
              @Override
              public boolean supportsContext(
                  io.micrometer.observation.Observation.Context context) {
                return true;
              }

              @Override
              public void onStop(io.micrometer.observation.Observation.Context context) {
                seen.add(context.getName());
              }
            };
    ApplicationContextRunner boot =
        runner()
            .withConfiguration(
                AutoConfigurations.of(
                    org.springframework.boot.micrometer.observation.autoconfigure
                        .ObservationAutoConfiguration.class))
            .withBean(io.micrometer.observation.ObservationHandler.class, () -> handler);
    boot.run(
        context -> {
          context.getBean(QuoteService.class).quote("A");
          assertThat(seen).containsExactly("resilience.call");
        });
    seen.clear();
    boot.withPropertyValues("management.observations.enable.resilience.call=false")
        .run(
            context -> {
              assertThat(context.getBean(QuoteService.class).quote("A")).isEqualTo("quote:A");
              assertThat(seen).isEmpty();
            });
  }
}
