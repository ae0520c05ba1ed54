package io.tailguard.spring.autoconfigure;

import io.micrometer.context.ContextSnapshotFactory;
import io.tailguard.spring.aop.AttemptContextPropagator;
import io.tailguard.spring.aop.TaskDecoratorPropagator;
import io.tailguard.spring.context.ContextSnapshotPropagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

/**
 * The {@link AttemptContextPropagator}s that carry a caller's context into the hedge and retry
 * attempts that run on other threads: Micrometer's context-propagation ({@link
 * ContextSnapshotPropagator}, when the library is present) and the application's {@link
 * TaskDecorator} beans ({@link TaskDecoratorPropagator}). Exclude this auto-configuration to carry
 * nothing.
 */
@AutoConfiguration(before = ResilienceAspectsAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "resilience.enabled", matchIfMissing = true)
public final class ResilienceContextPropagationAutoConfiguration {

  @Bean
  @ConditionalOnBean(TaskDecorator.class)
  @ConditionalOnMissingBean
  TaskDecoratorPropagator resilienceTaskDecoratorPropagator(
      ObjectProvider<TaskDecorator> decorators) {
    return new TaskDecoratorPropagator(decorators.orderedStream().toList());
  }

  /** Micrometer's context-propagation, when it is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ContextSnapshotFactory.class)
  static final class ContextSnapshotConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ContextSnapshotPropagator resilienceContextSnapshotPropagator() {
      return ContextSnapshotPropagator.withDefaults();
    }
  }
}
