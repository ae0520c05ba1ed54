package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Denies the timers that Micrometer's meter observation handler makes for the {@code
 * resilience.call} observation (the {@code resilience_call_seconds} timer and its {@code
 * resilience_call_active_seconds} long task timer), so that each protected call is timed once, by
 * {@code resilience_call_duration_seconds} (see {@link ResilienceMetrics}). The observation itself
 * stays, for tracing and for any other handler; only its two timers go.
 *
 * <p>Spring Boot applies every {@link MeterFilter} bean to its meter registries; the starter's
 * auto-configuration defines this one. To keep the observation's timers, define a bean of this type
 * that accepts everything, for example {@code new ObservationTimerFilter("")}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ObservationTimerFilter implements MeterFilter {

  private final String observationName;

  /**
   * Creates the filter.
   *
   * @param observationName the observation's name, {@code resilience.call} unless a convention
   *     renames it; an empty name denies nothing
   */
  public ObservationTimerFilter(String observationName) {
    this.observationName = observationName;
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    if (observationName.isEmpty()) {
      return MeterFilterReply.NEUTRAL;
    }
    boolean timer = id.getType() == Meter.Type.TIMER && id.getName().equals(observationName);
    boolean active =
        id.getType() == Meter.Type.LONG_TASK_TIMER
            && id.getName().equals(observationName + ".active");
    return timer || active ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
  }
}
