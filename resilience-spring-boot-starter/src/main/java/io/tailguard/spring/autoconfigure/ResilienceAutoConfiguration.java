package io.tailguard.spring.autoconfigure;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.health.HealthProbe;
import io.tailguard.core.health.HealthRegistry;
import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.retry.HttpStatusExtractor;
import io.tailguard.core.retry.RetryPolicy;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.core.time.Clock;
import io.tailguard.core.time.DefaultScheduler;
import io.tailguard.spring.customize.CircuitBreakerCustomizer;
import io.tailguard.spring.customize.HedgerCustomizer;
import io.tailguard.spring.customize.RateLimiterCustomizer;
import io.tailguard.spring.customize.ResilienceCustomizer;
import io.tailguard.spring.customize.RetryCustomizer;
import io.tailguard.spring.web.RestClientStatusExtractor;
import io.tailguard.spring.web.WebClientStatusExtractor;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The engines: the configuration bound from {@code resilience.*}, the {@link ResilienceRuntime}
 * built from it, and its registries and telemetry hub as beans of their own. Every bean backs off
 * if the application defines one of the same type; {@code resilience.enabled=false} turns
 * everything off.
 *
 * <p>{@link HealthProbe} beans are registered with the health registry, which runs them every
 * {@code resilience.health.interval}.
 *
 * <p>Hedge attempts, and the retries of {@code @Retried} methods returning a stage or a Reactor
 * type, run on an executor of virtual threads when {@code spring.threads.virtual.enabled} is true
 * (and the JDK has them), otherwise on a bounded platform pool; the shared scheduler only times
 * them. Both shut down with the context.
 *
 * <p>An application bean named {@code tailguardHedgeExecutor} (any {@link Executor}, an {@code
 * ExecutorService} or a Spring {@code TaskExecutor} included) replaces that executor: the engines
 * borrow it and never shut it down, its lifecycle stays the application's.
 *
 * <p>{@link ResilienceCustomizer} beans ({@link CircuitBreakerCustomizer}, {@link
 * HedgerCustomizer}, {@link RetryCustomizer}, {@link RateLimiterCustomizer}) shape each engine's
 * instances on top of the properties, at creation and on every reload.
 */
@AutoConfiguration
@Conditional(OnResilienceEnabledCondition.class)
@EnableConfigurationProperties(ResilienceProperties.class)
public final class ResilienceAutoConfiguration {

  private static final Duration GRACE = Duration.ofSeconds(5);

  @Bean
  @ConditionalOnMissingBean
  ResilienceConfig resilienceConfig(Environment environment) {
    ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    return ResilienceConfigBinder.bind(environment, classLoader);
  }

  /** The starter's own hedge executor, created only when the application defines none. */
  @Bean
  @ConditionalOnMissingBean(name = "tailguardHedgeExecutor")
  ManagedExecutor tailguardHedgeExecutor(Environment environment) {
    return new ManagedExecutor(Threading.VIRTUAL.isActive(environment), GRACE);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(name = "tailguardScheduler")
  DefaultScheduler tailguardScheduler() {
    return new DefaultScheduler("scheduler", GRACE);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  ResilienceRuntime resilienceRuntime(
      ResilienceConfig config,
      @Qualifier("tailguardScheduler") DefaultScheduler scheduler,
      @Qualifier("tailguardHedgeExecutor") Executor executor,
      ObjectProvider<HttpStatusExtractor> statusExtractors,
      ObjectProvider<RedisStoresSource> redis,
      ObjectProvider<CircuitBreakerCustomizer> breakerCustomizers,
      ObjectProvider<HedgerCustomizer> hedgerCustomizers,
      ObjectProvider<RetryCustomizer> retryCustomizers,
      ObjectProvider<RateLimiterCustomizer> limiterCustomizers) {
    // The aspects send every hedge attempt through @CircuitProtected's breaker; a hedger linked to
    // the breaker of the same name as well would count each attempt twice (and take two half-open
    // permits for one trial call).
    ResilienceRuntime.Builder b =
        ResilienceRuntime.builder()
            .config(config)
            .scheduler(scheduler)
            .executor(executor)
            .linkHedgersToBreakers(false);
    statusExtractors.orderedStream().forEach(b::retryStatusExtractor);
    b.circuitBreakerCustomizer(
        ResilienceCustomizer.compose(
            breakerCustomizers.orderedStream().toList(),
            CircuitConfig::toBuilder,
            CircuitConfig.Builder::build));
    b.hedgerCustomizer(
        ResilienceCustomizer.compose(
            hedgerCustomizers.orderedStream().toList(),
            HedgeConfig::toBuilder,
            HedgeConfig.Builder::build));
    b.retryCustomizer(
        ResilienceCustomizer.compose(
            retryCustomizers.orderedStream().toList(),
            RetryPolicy::toBuilder,
            RetryPolicy.Builder::build));
    b.rateLimiterCustomizer(
        ResilienceCustomizer.compose(
            limiterCustomizers.orderedStream().toList(),
            RateLimitConfig::toBuilder,
            RateLimitConfig.Builder::build));
    RedisStoresSource connection = redis.getIfAvailable();
    if (connection != null && config.rateLimiting().backend() == RateLimitBackend.REDIS) {
      // The application's Redis (spring.data.redis.*) wins over resilience.rate-limiter.redis.uri.
      b.rateLimiterStores(connection.stores(config.rateLimiting().redis(), Clock.system()));
    }
    return b.build();
  }

  /** Lets retries read statuses and Retry-After from RestClient and RestTemplate failures. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.web.client.RestClientResponseException")
  static final class RestClientStatusConfiguration {
    @Bean
    @ConditionalOnMissingBean
    RestClientStatusExtractor restClientStatusExtractor() {
      return new RestClientStatusExtractor();
    }
  }

  /** Lets retries read statuses and Retry-After from WebClient failures. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = "org.springframework.web.reactive.function.client.WebClientResponseException")
  static final class WebClientStatusConfiguration {
    @Bean
    @ConditionalOnMissingBean
    WebClientStatusExtractor webClientStatusExtractor() {
      return new WebClientStatusExtractor();
    }
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  CircuitBreakerRegistry circuitBreakerRegistry(ResilienceRuntime runtime) {
    return runtime.circuitBreakers();
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  HedgerRegistry hedgerRegistry(ResilienceRuntime runtime) {
    return runtime.hedgers();
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  RetryRegistry retryRegistry(ResilienceRuntime runtime) {
    return runtime.retriers();
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  RateLimiterRegistry rateLimiterRegistry(ResilienceRuntime runtime) {
    return runtime.rateLimiters();
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  HttpClientRegistry httpClientRegistry(ResilienceRuntime runtime) {
    return runtime.httpClients();
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  Telemetry resilienceTelemetry(ResilienceRuntime runtime) {
    return runtime.telemetry();
  }

  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  HealthRegistry resilienceHealthRegistry(ResilienceRuntime runtime) {
    return runtime.health();
  }

  /**
   * Registers the application's {@link HealthProbe} beans once every bean exists, unless {@code
   * resilience.health.enabled} is false.
   */
  @Bean
  @ConditionalOnBooleanProperty(name = "resilience.health.enabled", matchIfMissing = true)
  SmartInitializingSingleton resilienceHealthProbeRegistrar(
      HealthRegistry health, ObjectProvider<HealthProbe> probes) {
    return () -> probes.orderedStream().forEach(health::register);
  }
}
