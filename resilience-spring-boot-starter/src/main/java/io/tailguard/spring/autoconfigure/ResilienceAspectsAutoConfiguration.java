package io.tailguard.spring.autoconfigure;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.core.retry.RetryRegistry;
import io.tailguard.spring.aop.AttemptContextPropagator;
import io.tailguard.spring.aop.CallObserver;
import io.tailguard.spring.aop.ResilienceAdvisor;
import io.tailguard.spring.aop.ResilienceAspects;
import java.util.List;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The aspects of {@code @RateLimited}, {@code @Retried}, {@code @Hedged} and
 * {@code @CircuitProtected}, in the order of {@code resilience.aspects.order} (outermost first;
 * default rate-limited, retried, hedged, circuit-protected), and the start-up check of every
 * annotated method.
 *
 * <p>When there is a {@link CallObserver} bean (see {@link
 * ResilienceObservationAutoConfiguration}), each protected call is observed. The {@link
 * AttemptContextPropagator} beans (see {@link ResilienceContextPropagationAutoConfiguration}) carry
 * the caller's context into hedge and retry attempts that run on other threads.
 *
 * <p>The advisors are infrastructure beans applied by Spring's auto-proxy creator, which this
 * configuration registers if the application has none (class-based proxies, as Spring Boot's
 * default).
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "resilience.enabled", matchIfMissing = true)
@ConditionalOnClass(Advisor.class)
@Import(ResilienceAspectsAutoConfiguration.AutoProxyRegistrar.class)
public final class ResilienceAspectsAutoConfiguration {

  static List<String> aspectOrder(Environment environment) {
    List<String> order =
        Binder.get(environment)
            .bind("resilience.aspects.order", Bindable.listOf(String.class))
            .orElse(ResilienceAspects.DEFAULT_ORDER);
    ResilienceAspects.checkOrder(order);
    return order;
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "circuitProtectedAdvisor")
  @ConditionalOnBooleanProperty(name = "resilience.circuit-breaker.enabled", matchIfMissing = true)
  static ResilienceAdvisor circuitProtectedAdvisor(
      ObjectProvider<CircuitBreakerRegistry> breakers,
      ObjectProvider<CallObserver> observers,
      Environment environment) {
    return ResilienceAspects.circuitProtected(breakers, observers, aspectOrder(environment));
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "hedgedAdvisor")
  @ConditionalOnBooleanProperty(name = "resilience.hedge.enabled", matchIfMissing = true)
  static ResilienceAdvisor hedgedAdvisor(
      ObjectProvider<HedgerRegistry> hedgers,
      ObjectProvider<CallObserver> observers,
      ObjectProvider<AttemptContextPropagator> propagators,
      Environment environment) {
    return ResilienceAspects.hedged(hedgers, observers, propagators, aspectOrder(environment));
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "rateLimitedAdvisor")
  @ConditionalOnBooleanProperty(name = "resilience.rate-limiter.enabled", matchIfMissing = true)
  static ResilienceAdvisor rateLimitedAdvisor(
      ObjectProvider<RateLimiterRegistry> limiters,
      ObjectProvider<CallObserver> observers,
      Environment environment) {
    return ResilienceAspects.rateLimited(limiters, observers, aspectOrder(environment));
  }

  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "retriedAdvisor")
  @ConditionalOnBooleanProperty(name = "resilience.retry.enabled", matchIfMissing = true)
  static ResilienceAdvisor retriedAdvisor(
      ObjectProvider<RetryRegistry> retriers,
      ObjectProvider<CallObserver> observers,
      ObjectProvider<AttemptContextPropagator> propagators,
      Environment environment) {
    return ResilienceAspects.retried(retriers, observers, propagators, aspectOrder(environment));
  }

  @Bean
  @ConditionalOnMissingBean
  ResilienceAnnotationsVerifier resilienceAnnotationsVerifier(
      ApplicationContext context, ResilienceConfig config) {
    return new ResilienceAnnotationsVerifier(context, config);
  }

  /** Registers Spring's auto-proxy creator, with class-based proxies, unless one exists. */
  static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(
        AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
      AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
    }
  }
}
