package io.tailguard.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.tailguard.spring.aop.CallObserver;
import org.jspecify.annotations.Nullable;

/**
 * Observes each protected call as a Micrometer {@link Observation} named {@code resilience.call}
 * (see {@link DefaultResilienceCallConvention}), so that a tracer makes each a span and Spring
 * Boot's meter handler times it. Turn it off like any observation, for example with {@code
 * management.observations.enable.resilience.call=false}.
 *
 * <p>An observation's parent is the observation current on the starting thread, or the enclosing
 * call's when the aspects know it from elsewhere (the Reactor context, the hedged call of an
 * attempt on another thread).
 *
 * <p>Thread-safe.
 */
public final class ObservationCallObserver implements CallObserver {

  /** The key under which Micrometer's observation travels in a Reactor context. */
  static final String REACTOR_CONTEXT_KEY =
      "micrometer.observation"; // ObservationThreadLocalAccessor.KEY, without context-propagation

  private final ObservationRegistry registry;
  private final @Nullable ResilienceCallConvention convention;

  /**
   * Creates the observer.
   *
   * @param registry the registry
   * @param convention a convention replacing the default, or {@code null}
   */
  public ObservationCallObserver(
      ObservationRegistry registry, @Nullable ResilienceCallConvention convention) {
    this.registry = registry;
    this.convention = convention;
  }

  @Override
  public ObservedCall start(String name, String engine, @Nullable Object parent) {
    ResilienceCallContext context = new ResilienceCallContext(name, engine);
    Observation observation =
        Observation.createNotStarted(
            convention, DefaultResilienceCallConvention.INSTANCE, () -> context, registry);
    if (parent instanceof Observation p) {
      observation.parentObservation(p);
    }
    observation.start();
    return new Call(observation, context);
  }

  @Override
  public Object reactorContextKey() {
    return REACTOR_CONTEXT_KEY;
  }

  private record Call(Observation observation, ResilienceCallContext context)
      implements ObservedCall {

    @Override
    public Scope openScope() {
      Observation.Scope scope = observation.openScope();
      return scope::close;
    }

    @Override
    public Object handle() {
      return observation;
    }

    @Override
    public void stop(String outcome, @Nullable Throwable error) {
      context.outcome(outcome);
      if (error != null) {
        observation.error(error);
      }
      observation.stop();
    }
  }
}
