package io.tailguard.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * With {@code resilience.rate-limiter.backend=redis} and Spring Data Redis on Lettuce, the rate
 * limiters share their limits over the application's Redis ({@code spring.data.redis.*}) instead of
 * a client of their own at {@code resilience.rate-limiter.redis.uri}.
 */
@AutoConfiguration(
    before = ResilienceAutoConfiguration.class,
    afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@Conditional(OnResilienceEnabledCondition.class)
@ConditionalOnClass(
    name = {
      "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
      "io.lettuce.core.RedisClient"
    })
@ConditionalOnProperty(name = "resilience.rate-limiter.backend", havingValue = "redis")
public final class ResilienceRedisAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnBean(LettuceConnectionFactory.class)
  @ConditionalOnMissingBean
  ApplicationRedisConnection tailguardRedisConnection(LettuceConnectionFactory factory) {
    return new ApplicationRedisConnection(factory);
  }
}
