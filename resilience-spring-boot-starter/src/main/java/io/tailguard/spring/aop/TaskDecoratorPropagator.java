package io.tailguard.spring.aop;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.task.TaskDecorator;

/**
 * Applies the application's {@link TaskDecorator}s to attempts, as Spring Boot applies them to the
 * tasks of its {@code applicationTaskExecutor}: each decorator is called once per call, on the
 * calling thread (where it captures what it carries), and the {@code Runnable} it returns is run
 * once per attempt that runs on another thread.
 *
 * <p>So a decorator's {@code Runnable} must allow being run more than once, and at once on several
 * threads (a hedged call's attempts overlap); one that only captures on the calling thread and
 * sets, then restores, thread-locals around its delegate does. The decorators are applied in their
 * order, the first outermost.
 *
 * <p>Thread-safe.
 */
public final class TaskDecoratorPropagator implements AttemptContextPropagator, Ordered {

  /**
   * The attempt each decorated runnable runs on this thread: set just before the decorated runnable
   * runs and restored just after, on the same thread, so decorators never see which attempt it is.
   */
  private static final ThreadLocal<Runnable> ATTEMPT = new ThreadLocal<>();

  /** What every decorator is given: runs this thread's current attempt. */
  private static final Runnable RUN_ATTEMPT =
      () -> {
        Runnable attempt = ATTEMPT.get();
        if (attempt == null) {
          throw new IllegalStateException(
              "a TaskDecorator ran its task on another thread than the one it was given to");
        }
        attempt.run();
      };

  private final List<TaskDecorator> decorators;

  /**
   * Creates the propagator.
   *
   * @param decorators the decorators, outermost first
   */
  public TaskDecoratorPropagator(List<? extends TaskDecorator> decorators) {
    this.decorators = List.copyOf(decorators);
  }

  /**
   * Returns the decorators, outermost first.
   *
   * @return the decorators
   */
  public List<TaskDecorator> decorators() {
    return decorators;
  }

  @Override
  public Captured capture(@Nullable Object reactorContext) {
    Runnable task = RUN_ATTEMPT;
    for (int i = decorators.size() - 1; i >= 0; i--) {
      TaskDecorator decorator = decorators.get(i);
      Runnable decorated = decorator.decorate(task);
      if (decorated == null) {
        throw new IllegalStateException(
            "TaskDecorator " + decorator.getClass().getName() + " returned null");
      }
      task = decorated;
    }
    Runnable decorated = task;
    return attempt -> {
      Runnable outer = ATTEMPT.get(); // an attempt of an enclosing call on this thread, if any
      ATTEMPT.set(attempt);
      try {
        decorated.run();
      } finally {
        if (outer == null) {
          ATTEMPT.remove();
        } else {
          ATTEMPT.set(outer);
        }
      }
    };
  }

  /** After the context snapshot: a decorator sees the thread-locals it restores. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE - 100;
  }
}
