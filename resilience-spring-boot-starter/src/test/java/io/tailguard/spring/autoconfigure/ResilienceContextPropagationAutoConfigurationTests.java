package io.tailguard.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.context.ContextSnapshotFactory;
import io.tailguard.spring.aop.AttemptContextPropagator;
import io.tailguard.spring.aop.TaskDecoratorPropagator;
import io.tailguard.spring.context.ContextSnapshotPropagator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.TaskDecorator;

/** Which {@link AttemptContextPropagator}s carry a caller's context into attempts, and in order. */
class ResilienceContextPropagationAutoConfigurationTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(ResilienceContextPropagationAutoConfiguration.class));

  @Order(1)
  static final class First implements TaskDecorator {
    @Override
    public Runnable decorate(Runnable runnable) {
      return runnable;
    }
  }

  @Order(2)
  static final class Second implements TaskDecorator {
    @Override
    public Runnable decorate(Runnable runnable) {
      return runnable;
    }
  }

  @Test
  void contextSnapshotsByDefaultAndNoDecoratorsWithoutTaskDecoratorBeans() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(ContextSnapshotPropagator.class);
          assertThat(context).doesNotHaveBean(TaskDecoratorPropagator.class);
        });
  }

  @Test
  void theApplicationsTaskDecoratorsInTheirOrderAfterTheSnapshot() {
    runner
        .withBean("second", Second.class, Second::new)
        .withBean("first", First.class, First::new)
        .run(
            context -> {
              assertThat(context).hasSingleBean(TaskDecoratorPropagator.class);
              assertThat(context.getBean(TaskDecoratorPropagator.class).decorators())
                  .extracting(d -> (Object) d.getClass())
                  .containsExactly(First.class, Second.class);
              List<AttemptContextPropagator> order =
                  context.getBeanProvider(AttemptContextPropagator.class).orderedStream().toList();
              assertThat(order)
                  .hasExactlyElementsOfTypes(
                      ContextSnapshotPropagator.class, TaskDecoratorPropagator.class);
            });
  }

  @Test
  void aPropagatorOfTheApplicationReplacesTheDefault() {
    ContextSnapshotPropagator own = new ContextSnapshotPropagator(List.of());
    runner
        .withBean(ContextSnapshotPropagator.class, () -> own)
        .run(context -> assertThat(context.getBean(ContextSnapshotPropagator.class)).isSameAs(own));
  }

  @Test
  void noSnapshotsWithoutContextPropagationOnTheClasspath() {
    runner
        .withClassLoader(new FilteredClassLoader(ContextSnapshotFactory.class))
        .withBean(First.class)
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(ContextSnapshotPropagator.class);
              assertThat(context).hasSingleBean(TaskDecoratorPropagator.class);
            });
  }

  @Test
  void nothingWhenTheStarterIsDisabled() {
    runner
        .withPropertyValues("resilience.enabled=false")
        .withBean(First.class)
        .run(context -> assertThat(context).doesNotHaveBean(AttemptContextPropagator.class));
  }
}
