package io.tailguard.spring.context;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import io.tailguard.spring.aop.AttemptContextPropagator;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Carries thread-local context into hedge and retry attempts with Micrometer's context-propagation
 * library: a {@link ContextSnapshot} is captured on the calling thread (for a Mono or a Flux, from
 * the subscribing thread and the subscriber's Reactor context, whose values win) and its values are
 * set on the attempt's thread while the attempt runs, then the thread's own are restored.
 *
 * <p>{@link #withDefaults()} carries what the global {@link ContextRegistry} knows, read at every
 * call (so an accessor registered after start-up counts): Spring Security's {@code
 * SecurityContextHolder} and Micrometer's current {@code Observation} (their accessors register
 * themselves) and any accessor the application registers. And, in a registry of its own so as not
 * to change what the rest of the application propagates: the whole MDC ({@link
 * MdcThreadLocalAccessor}, unless an MDC accessor of context-propagation is registered globally at
 * start-up) and Spring's request attributes ({@code RequestContextHolder}, when Spring Web is
 * present).
 *
 * <p>Thread-safe.
 */
public final class ContextSnapshotPropagator implements AttemptContextPropagator, Ordered {

  private static final String REQUEST_ATTRIBUTES_ACCESSOR =
      "org.springframework.web.context.request.RequestAttributesThreadLocalAccessor";

  /** Prefix of the keys of context-propagation's own MDC accessors ({@code cp.slf4j...}). */
  private static final String SLF4J_KEY_PREFIX = "cp.slf4j";

  private final List<ContextSnapshotFactory> factories;

  /**
   * Creates a propagator that captures with each factory in turn and restores the snapshots in that
   * order (the last one's values win where two carry the same key).
   *
   * @param factories the factories
   */
  public ContextSnapshotPropagator(List<ContextSnapshotFactory> factories) {
    this.factories = List.copyOf(factories);
  }

  /**
   * Creates the propagator the starter uses by default: see the class comment.
   *
   * @return the propagator
   */
  public static ContextSnapshotPropagator withDefaults() {
    ContextRegistry global = ContextRegistry.getInstance();
    ContextRegistry own = new ContextRegistry();
    global.getContextAccessors().forEach(own::registerContextAccessor); // to read Reactor contexts
    boolean globalMdc =
        global.getThreadLocalAccessors().stream()
            .anyMatch(a -> String.valueOf(a.key()).startsWith(SLF4J_KEY_PREFIX));
    if (!globalMdc) {
      own.registerThreadLocalAccessor(new MdcThreadLocalAccessor());
    }
    ThreadLocalAccessor<?> requestAttributes = requestAttributesAccessor();
    if (requestAttributes != null) {
      own.registerThreadLocalAccessor(requestAttributes);
    }
    List<ContextSnapshotFactory> factories = new ArrayList<>();
    factories.add(ContextSnapshotFactory.builder().contextRegistry(global).build());
    if (!own.getThreadLocalAccessors().isEmpty()) {
      factories.add(ContextSnapshotFactory.builder().contextRegistry(own).build());
    }
    return new ContextSnapshotPropagator(factories);
  }

  private static @Nullable ThreadLocalAccessor<?> requestAttributesAccessor() {
    ClassLoader loader = ContextSnapshotPropagator.class.getClassLoader();
    if (!ClassUtils.isPresent(REQUEST_ATTRIBUTES_ACCESSOR, loader)) {
      return null;
    }
    try {
      return (ThreadLocalAccessor<?>)
          ClassUtils.forName(REQUEST_ATTRIBUTES_ACCESSOR, loader)
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null; // a Spring Web without it: request attributes stay on the calling thread
    }
  }

  @Override
  public Captured capture(@Nullable Object reactorContext) {
    ContextSnapshot[] snapshots = new ContextSnapshot[factories.size()];
    for (int i = 0; i < snapshots.length; i++) {
      snapshots[i] = capture(factories.get(i), reactorContext);
    }
    return attempt -> run(snapshots, 0, attempt);
  }

  private static ContextSnapshot capture(
      ContextSnapshotFactory factory, @Nullable Object reactorContext) {
    if (reactorContext == null) {
      return factory.captureAll();
    }
    try {
      return factory.captureAll(reactorContext);
    } catch (IllegalStateException noAccessorForIt) {
      return factory.captureAll(); // a registry that cannot read Reactor contexts
    }
  }

  private static void run(ContextSnapshot[] snapshots, int index, Runnable attempt) {
    if (index == snapshots.length) {
      attempt.run();
      return;
    }
    ContextSnapshot.Scope scope = snapshots[index].setThreadLocals();
    try {
      run(snapshots, index + 1, attempt);
    } finally {
      scope.close();
    }
  }

  /** Before the application's task decorators: they see the thread-locals this one sets. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 100;
  }
}
