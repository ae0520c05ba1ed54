package io.tailguard.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.spring.annotation.Hedged;
import io.tailguard.spring.autoconfigure.ResilienceAspectsAutoConfiguration;
import io.tailguard.spring.autoconfigure.ResilienceAutoConfiguration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code coalesce: true} reaches annotated methods through {@link Hedged#key()}: concurrent calls
 * with an equal key share one execution of the body; other keys, other methods, or a hedger without
 * {@code coalesce} run their own.
 */
class HedgedCoalescingTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ResilienceAutoConfiguration.class, ResilienceAspectsAutoConfiguration.class))
          .withUserConfiguration(Beans.class)
          // No hedge within the test: the body runs once per execution.
          .withPropertyValues(
              "resilience.hedge.instances.lookup.delay.strategy=fixed",
              "resilience.hedge.instances.lookup.delay.delay=1h",
              "resilience.hedge.instances.lookup.coalesce=true");

  @Test
  void twoConcurrentCallsWithTheSameKeyRunTheBodyOnce() {
    runner.run(
        context -> {
          Lookup lookup = context.getBean(Lookup.class);
          Probe probe = context.getBean(Probe.class);
          Hedger hedger = context.getBean(HedgerRegistry.class).hedger("lookup");
          CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> lookup.find("a"));
          assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
          CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> lookup.find("a"));
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> hedger.metrics().coalescedCalls() == 1);
          probe.release.countDown();
          assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("found:a:1");
          assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("found:a:1");
          assertThat(probe.runs.get()).isEqualTo(1);
        });
  }

  @Test
  void stagesWithTheSameKeyShareOneExecutionToo() {
    runner.run(context -> assertTwoStagesForKeyARunTheBody(context, 1));
  }

  @Test
  void withoutCoalesceEveryCallRunsTheBody() {
    runner
        .withPropertyValues("resilience.hedge.instances.lookup.coalesce=false")
        .run(context -> assertTwoStagesForKeyARunTheBody(context, 2));
  }

  /**
   * Starts two stages for the key "a", completes the body's stage, and checks that both callers see
   * its value and that the body ran {@code bodyRuns} times.
   */
  private static void assertTwoStagesForKeyARunTheBody(ApplicationContext context, int bodyRuns)
      throws Exception {
    Lookup lookup = context.getBean(Lookup.class);
    Probe probe = context.getBean(Probe.class);
    CompletableFuture<String> first = lookup.findAsync("a");
    CompletableFuture<String> second = lookup.findAsync("a");
    probe.pending.complete("async:a");
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("async:a");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("async:a");
    assertThat(probe.asyncRuns.get()).isEqualTo(bodyRuns);
  }

  @Test
  void aKeyThatReadsNoParameterStopsTheStart() {
    runner
        .withBean(BadKey.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("@Hedged(key = \"#nope\") on BadKey.find")
                    .hasStackTraceContaining("not a parameter of the method"));
  }

  @Test
  void aKeyThatEvaluatesToNullFailsTheCallNamingIt() {
    runner.run(
        context ->
            assertThatThrownBy(() -> context.getBean(Lookup.class).find(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("@Hedged(key = \"#id\") on Lookup.find evaluated to null"));
  }

  /** What the service's bodies did, apart from the proxied service (whose fields it lacks). */
  static class Probe {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger runs = new AtomicInteger();
    final AtomicInteger asyncRuns = new AtomicInteger();
    final CompletableFuture<String> pending = new CompletableFuture<>();
  }

  /** A service whose blocking body waits for the test, so that calls overlap. */
  static class Lookup {
    final Probe probe;

    Lookup(Probe probe) {
      this.probe = probe;
    }

    @Hedged(value = "lookup", key = "#id")
    public String find(String id) {
      int run = probe.runs.incrementAndGet();
      probe.entered.countDown();
      try {
        probe.release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "found:" + id + ":" + run;
    }

    @Hedged(value = "lookup", key = "#p0")
    public CompletableFuture<String> findAsync(String id) {
      probe.asyncRuns.incrementAndGet();
      return probe.pending.thenApply(s -> s);
    }
  }

  static class BadKey {
    @Hedged(value = "lookup", key = "#nope")
    public String find(String id) {
      return id;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Beans {
    @Bean
    Probe probe() {
      return new Probe();
    }

    @Bean
    Lookup lookup(Probe probe) {
      return new Lookup(probe);
    }
  }
}
