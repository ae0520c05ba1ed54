package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.tailguard.spring.annotation.CircuitProtected;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.annotation.Retried;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceObservationAutoConfiguration;
import io.tailguard.spring.observation.ResilienceCallContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Every attempt of a retried call is a child of the retried call's observation, the second and
 * third as much as the first: the calls inside an attempt (its hedged call, its breaker call, and
 * through them the spans of the method body) are parented by the {@code retry} observation, not by
 * a call of the attempt before, nor by nothing when the attempt runs on another thread or in
 * another subscription.
 */
class RetriedObservationParentsTests {

  final TestObservationRegistry observations = TestObservationRegistry.create();

  final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class,
                  ResilienceAspectsAutoConfiguration.class,
                  ResilienceObservationAutoConfiguration.class))
          .withBean("observationRegistry", TestObservationRegistry.class, () -> observations)
          .withBean(Failures.class)
          .withBean(Flaky.class)
          .withPropertyValues(
              "resilience.retry.policies.twice.max-attempts=3",
              "resilience.retry.policies.twice.base-delay=1ms",
              "resilience.retry.policies.twice.max-delay=1ms",
              "resilience.retry.policies.twice.jitter=none",
              "resilience.retry.policies.twice.budget=off",
              "resilience.circuit-breaker.instances.flaky.min-calls=100",
              // No hedge is sent: one attempt per hedged call, so the calls pair up plainly. A
              // failure ends the hedged call, for the retrier to try again.
              "resilience.hedge.instances.flaky.delay.strategy=fixed",
              "resilience.hedge.instances.flaky.delay.delay=1h",
              "resilience.hedge.instances.flaky.fatal-exceptions=java.lang.IllegalStateException");

  /** Fails the first two calls of each test; a bean of its own, as the service is proxied. */
  static final class Failures {
    final AtomicInteger calls = new AtomicInteger();

    String next(String s) {
      if (calls.incrementAndGet() <= 2) {
        throw new IllegalStateException("attempt " + calls.get() + " failed");
      }
      return "ok:" + s;
    }
  }

  /** Retried, hedged and circuit-protected methods of each return kind. */
  public static class Flaky {
    private final Failures failures;

    public Flaky(Failures failures) {
      this.failures = failures;
    }

    @Retried("twice")
    @Hedged("flaky")
    @CircuitProtected("flaky")
    public String all(String s) {
      return failures.next(s);
    }

    @Retried("twice")
    @Hedged("flaky")
    @CircuitProtected("flaky")
    public CompletableFuture<String> allAsync(String s) {
      try {
        return CompletableFuture.completedFuture(failures.next(s));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Retried("twice")
    @CircuitProtected("flaky")
    public Mono<String> mono(String s) {
      return Mono.fromSupplier(() -> failures.next(s));
    }

    @Retried("twice")
    @Hedged("flaky")
    @CircuitProtected("flaky")
    public Mono<String> hedgedMono(String s) {
      return Mono.fromSupplier(() -> failures.next(s));
    }
  }

  /** The finished {@code resilience.call} observations, in the order they stopped. */
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

  static List<ResilienceCallContext> ofEngine(List<ResilienceCallContext> calls, String engine) {
    return calls.stream().filter(c -> c.engine().equals(engine)).toList();
  }

  static Observation.ContextView parentOf(ResilienceCallContext call) {
    ObservationView parent = call.getParentObservation();
    assertThat(parent).as("the parent of %s %s", call.engine(), call.outcome()).isNotNull();
    return parent.getContextView();
  }

  /**
   * Three attempts of a retried, hedged, circuit-protected call: each hedged call is a child of the
   * retried call, each breaker call a child of the hedged call of its own attempt.
   */
  static void assertAttemptsUnderTheRetriedCall(List<ResilienceCallContext> calls) {
    List<ResilienceCallContext> retry = ofEngine(calls, "retry");
    List<ResilienceCallContext> hedges = ofEngine(calls, "hedge");
    List<ResilienceCallContext> breaker = ofEngine(calls, "circuit-breaker");
    assertThat(retry)
        .singleElement()
        .extracting(ResilienceCallContext::outcome)
        .isEqualTo("success");
    assertThat(hedges)
        .extracting(ResilienceCallContext::outcome)
        .containsExactly("failure", "failure", "success");
    assertThat(breaker).hasSize(3);
    for (ResilienceCallContext hedge : hedges) {
      assertThat(parentOf(hedge)).isSameAs(retry.get(0));
    }
    assertThat(breaker).extracting(RetriedObservationParentsTests::parentOf).containsAll(hedges);
    assertThat(breaker)
        .extracting(RetriedObservationParentsTests::parentOf)
        .doesNotHaveDuplicates();
  }

  @Test
  void aBlockingMethodsAttemptsAreChildrenOfTheRetriedCall() {
    runner.run(
        context -> {
          assertThat(context.getBean(Flaky.class).all("a")).isEqualTo("ok:a");
          assertAttemptsUnderTheRetriedCall(calls());
          assertThat(ofEngine(calls(), "retry").get(0).getParentObservation()).isNull();
        });
  }

  @Test
  void aStagesAttemptsOnTheRetryExecutorAreChildrenOfTheRetriedCall() {
    runner.run(
        context -> {
          assertThat(context.getBean(Flaky.class).allAsync("b").get(10, TimeUnit.SECONDS))
              .isEqualTo("ok:b");
          Awaitility.await().until(() -> ofEngine(calls(), "retry").size() == 1);
          assertAttemptsUnderTheRetriedCall(calls());
        });
  }

  @Test
  void aMonosResubscribedAttemptsAreChildrenOfTheRetriedCall() {
    runner.run(
        context -> {
          StepVerifier.create(context.getBean(Flaky.class).mono("c"))
              .expectNext("ok:c")
              .verifyComplete();
          List<ResilienceCallContext> calls = calls();
          ResilienceCallContext retry = ofEngine(calls, "retry").get(0);
          List<ResilienceCallContext> breaker = ofEngine(calls, "circuit-breaker");
          assertThat(breaker)
              .extracting(ResilienceCallContext::outcome)
              .containsExactly("failure", "failure", "success");
          for (ResilienceCallContext attempt : breaker) {
            assertThat(parentOf(attempt)).isSameAs(retry);
          }
        });
  }

  @Test
  void aHedgedMonosResubscribedAttemptsAreChildrenOfTheRetriedCall() {
    runner.run(
        context -> {
          StepVerifier.create(context.getBean(Flaky.class).hedgedMono("d"))
              .expectNext("ok:d")
              .verifyComplete();
          assertAttemptsUnderTheRetriedCall(calls());
        });
  }
}
