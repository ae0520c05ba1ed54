package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.spring.customize.CircuitBreakerCustomizer;
import io.tailguard.spring.customize.HedgerCustomizer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ResilienceAutoConfigurationTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

  @Test
  void createsTheEnginesFromTheProperties() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.instances.payments.failure-rate-threshold=0.25",
            "resilience.circuit-breaker.instances.payments.half-open-trial-timeout=15s",
            "resilience.hedge.defaults.max-hedges=2",
            "resilience.hedge.instances.search.delay.strategy=adaptive")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ResilienceConfig.class);
              assertThat(context).hasSingleBean(ResilienceRuntime.class);
              assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
              assertThat(context).hasSingleBean(HedgerRegistry.class);
              assertThat(context).hasSingleBean(Telemetry.class);
              CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
              assertThat(breakers.breaker("payments").config().failureRateThreshold())
                  .isEqualTo(0.25);
              assertThat(breakers.breaker("payments").config().halfOpenTrialTimeout())
                  .hasValue(Duration.ofSeconds(15));
              assertThat(breakers.breaker("other").config().halfOpenTrialTimeout()).isEmpty();
              HedgerRegistry hedgers = context.getBean(HedgerRegistry.class);
              assertThat(hedgers.hedger("search").config().maxHedges()).isEqualTo(2);
              assertThat(hedgers.hedger("search").strategy().type().name()).isEqualTo("ADAPTIVE");
            });
  }

  @Test
  void relaxedNamesAndEnvironmentStyleKeysBindToo() {
    runner
        .withPropertyValues(
            "resilience.circuitBreaker.instances.payments.failureRateThreshold=0.3",
            "resilience.hedge.defaults.fatal-exceptions[0]=java.lang.SecurityException")
        .run(
            context -> {
              assertThat(
                      context
                          .getBean(CircuitBreakerRegistry.class)
                          .breaker("payments")
                          .config()
                          .failureRateThreshold())
                  .isEqualTo(0.3);
              assertThat(
                      context
                          .getBean(ResilienceConfig.class)
                          .hedging()
                          .defaults()
                          .fatalExceptions())
                  .containsExactly(SecurityException.class);
            });
  }

  @Test
  void retryableMethodsBindAsAListOrAsCommaSeparatedText() {
    runner
        .withPropertyValues(
            "resilience.retry.policies.payments.retryable-methods=get, POST",
            "resilience.retry.policies.orders.retryable-methods[0]=PUT",
            "resilience.retry.policies.orders.retryable-methods[1]=patch")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              var policies = context.getBean(ResilienceConfig.class).retry().policies();
              assertThat(policies.get("payments").retryableMethods())
                  .containsExactly("GET", "POST");
              assertThat(policies.get("orders").retryableMethods()).containsExactly("PATCH", "PUT");
              assertThat(policies.get("default").retryableMethods())
                  .containsExactly("DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE");
            });
  }

  /** Spring Boot makes an empty string of YAML's [] and {}, as of a property set to nothing. */
  @Test
  void emptyListsAndMapsBindAsEmpty() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.defaults.record-exceptions=",
            "resilience.circuit-breaker.instances=",
            "resilience.hedge.defaults.fatal-exceptions=",
            "resilience.hedge.instances.search=",
            "resilience.health.providers=",
            "resilience.retry.policies.default.non-retryable-exceptions=")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ResilienceConfig config = context.getBean(ResilienceConfig.class);
              assertThat(config.circuitBreaker())
                  .isEqualTo(ResilienceConfig.defaults().circuitBreaker());
              assertThat(config.hedging().instances().get("search"))
                  .isEqualTo(config.hedging().defaults());
            });
  }

  @Test
  void anInvalidValueStopsTheContextWithThePropertyTheRangeAndTheValue() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.instances.payments.failure-rate-threshold=1.5",
            "resilience.hedge.defaults.max-hedge=2")
        .run(
            context -> {
              assertThat(context).hasFailed();
              Throwable failure = context.getStartupFailure();
              ConfigException cause = findCause(failure, ConfigException.class);
              assertThat(cause.errors())
                  .extracting(e -> e.path() + ": " + e.message())
                  .containsExactlyInAnyOrder(
                      "resilience.circuit-breaker.instances.payments.failure-rate-threshold: must"
                          + " be in (0, 1], was 1.5",
                      "resilience.hedge.defaults.max-hedge: unknown key (did you mean"
                          + " 'max-hedges'?)");
              FailureAnalysis analysis = new ResilienceConfigFailureAnalyzer().analyze(failure);
              assertThat(analysis.getDescription())
                  .contains(
                      "Property:"
                          + " resilience.circuit-breaker.instances.payments.failure-rate-threshold")
                  .contains("Problem: must be in (0, 1], was 1.5");
            });
  }

  @Test
  void theApplicationsOwnBeansWin() {
    runner
        .withUserConfiguration(OwnRegistry.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
              assertThat(context.getBean(CircuitBreakerRegistry.class))
                  .isSameAs(context.getBean(OwnRegistry.class).registry);
              assertThat(context).hasSingleBean(HedgerRegistry.class);
            });
  }

  @Test
  void resilienceEnabledFalseTurnsEverythingOff() {
    runner
        .withPropertyValues("resilience.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ResilienceRuntime.class);
              assertThat(context).doesNotHaveBean(CircuitBreakerRegistry.class);
              assertThat(context).doesNotHaveBean(ResilienceConfig.class);
            });
  }

  @Test
  void hedgeExecutorHonoursVirtualThreadsAndNothingOutlivesTheContext() {
    Set<String> before = tailguardThreads();
    runner
        .withPropertyValues("spring.threads.virtual.enabled=true")
        .run(
            context -> {
              ManagedExecutor executor = context.getBean(ManagedExecutor.class);
              assertThat(executor.isVirtual()).isEqualTo(Runtime.version().feature() >= 21);
              context.getBean(HedgerRegistry.class).hedger("x").call(ctx -> "warm the threads");
            });
    runner
        .withPropertyValues("spring.threads.virtual.enabled=false")
        .run(
            context -> {
              assertThat(context.getBean(ManagedExecutor.class).isVirtual()).isFalse();
              context.getBean(HedgerRegistry.class).hedger("x").call(ctx -> "warm the threads");
              assertThat(tailguardThreads()).isNotEmpty();
            });
    // run() closed both contexts: every executor and scheduler thread they started ends (a thread
    // that has just handed back its last task may need a moment to leave run()).
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(tailguardThreads()).isSubsetOf(before));
  }

  @Test
  void anApplicationHedgeExecutorIsBorrowedAndNeverShutDown() {
    ExecutorService appPool =
        Executors.newFixedThreadPool(2, r -> new Thread(r, "app-hedge-" + r.hashCode()));
    try {
      // A plain Executor view, so the container cannot close the pool either: only we could.
      Executor borrowed = appPool::execute;
      runner
          .withBean("tailguardHedgeExecutor", Executor.class, () -> borrowed)
          .run(
              context -> {
                assertThat(context).doesNotHaveBean(ManagedExecutor.class);
                String thread =
                    context
                        .getBean(HedgerRegistry.class)
                        .hedger("x")
                        .call(ctx -> Thread.currentThread().getName());
                assertThat(thread).startsWith("app-hedge-");
              });
      assertThat(appPool.isShutdown()).isFalse();
    } finally {
      appPool.shutdownNow();
    }
  }

  @Test
  void customizerBeansShapeInstancesAtCreationAndOnEveryReload() {
    runner
        .withPropertyValues(
            "resilience.circuit-breaker.instances.payments.half-open-trial-timeout=15s")
        .withBean(
            "paymentsBreaker",
            CircuitBreakerCustomizer.class,
            () -> CircuitBreakerCustomizer.of("payments", b -> b.failureRateThreshold(0.9)))
        .withBean(
            "everyHedger",
            HedgerCustomizer.class,
            () -> HedgerCustomizer.ofAll(b -> b.maxHedges(4)))
        .run(
            context -> {
              ResilienceRuntime runtime = context.getBean(ResilienceRuntime.class);
              CircuitBreakerRegistry breakers = runtime.circuitBreakers();
              assertThat(breakers.breaker("payments").config().failureRateThreshold())
                  .isEqualTo(0.9);
              assertThat(breakers.breaker("payments").config().halfOpenTrialTimeout())
                  .hasValue(Duration.ofSeconds(15));
              assertThat(breakers.breaker("other").config().failureRateThreshold())
                  .isEqualTo(CircuitConfig.defaults().failureRateThreshold());
              assertThat(runtime.hedgers().hedger("search").config().maxHedges()).isEqualTo(4);

              runtime.apply(
                  io.tailguard.core.config.YamlConfigLoader.loadString(
                      "resilience:\n  circuit-breaker:\n    instances:\n      payments:\n"
                          + "        half-open-trial-timeout: 20s\n"));
              assertThat(breakers.breaker("payments").config().halfOpenTrialTimeout())
                  .hasValue(Duration.ofSeconds(20));
              assertThat(breakers.breaker("payments").config().failureRateThreshold())
                  .isEqualTo(0.9);
              assertThat(runtime.hedgers().hedger("search").config().maxHedges()).isEqualTo(4);
            });
  }

  static Set<String> tailguardThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("tailguard-"))
        .collect(Collectors.toSet());
  }

  static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + t, t);
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

    @Bean
    CircuitBreakerRegistry myBreakers() {
      return registry;
    }
  }
}
