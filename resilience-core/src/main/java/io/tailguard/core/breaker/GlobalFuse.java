package io.tailguard.core.breaker;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global fuse of a {@link CircuitBreakerRegistry}: open while at least {@code
 * componentOpenRatio} of at least {@code minComponents} component breakers are open (OPEN or
 * FORCED_OPEN). While it is open, closed breakers refuse every call with {@link
 * CircuitRejectedException.Reason#GLOBAL_OPEN}, suggesting a retry when the earliest component
 * cooldown ends; open breakers still move to half-open after their cooldown and run their trials,
 * so the components recover one by one and the fuse closes by itself once the ratio falls.
 *
 * <p>The fuse has no state machine of its own: its state is derived from the component states and
 * recomputed after every component transition into or out of an open state. It is listed as {@value
 * #NAME} beside the components and announces its own transitions to the registry's listeners.
 *
 * <p>An open component moves to half-open lazily, when it is called. If the only calls that reach
 * it pass through a closed breaker of the same registry (say {@code auth}, whose protected call
 * reaches {@code db}), the fuse refusing {@code auth} would keep it open for ever. So once the
 * earliest component cooldown has ended, the next call the fuse would refuse first moves every
 * component whose cooldown has ended to half-open (with all its trial permits free) and recomputes
 * the fuse; the call is let through if the fuse closed. The fuse remembers when that earliest
 * cooldown ends, so this costs a refused call one comparison, and an admitted call in a registry
 * whose fuse is closed nothing more than before (one volatile read).
 *
 * <p>This class is thread-safe. {@link #isOpen()} is one volatile read; recomputation holds this
 * object's monitor and happens only on transitions and when a cooldown ends.
 */
public final class GlobalFuse {

  /** The name the fuse is listed under. */
  public static final String NAME = "__global__";

  /**
   * The retry-after of a refusal that races with the end of the earliest cooldown (a recomputation
   * is under way): retry at once, but never suggest zero.
   */
  static final Duration RETRY_SOON = Duration.ofNanos(1);

  private static final Logger log = LoggerFactory.getLogger(GlobalFuse.class);

  private final Supplier<Collection<CircuitBreaker>> components;
  private final EventListeners<CircuitEvent> listeners;
  private final Clock clock;

  // Written under this object's monitor by recompute(), reopenAtNanos and timed before open, so a
  // reader that reads open first sees them at least as new; open is read by every closed acquire.
  private volatile GlobalFuseConfig config;
  private volatile boolean open;
  // Whether some component is OPEN (not only FORCED_OPEN), and when the earliest such cooldown
  // ends (clock time); meaningful only while timed.
  private volatile boolean timed;
  private volatile long reopenAtNanos;
  private volatile int openComponents;
  private volatile int componentCount;

  GlobalFuse(
      GlobalFuseConfig config,
      Supplier<Collection<CircuitBreaker>> components,
      EventListeners<CircuitEvent> listeners,
      Clock clock) {
    this.config = config;
    this.components = components;
    this.listeners = listeners;
    this.clock = clock;
  }

  /**
   * Returns whether the fuse is open.
   *
   * @return {@code true} while closed breakers refuse calls because of the fuse
   */
  public boolean isOpen() {
    return open;
  }

  /**
   * Returns the fuse's state: OPEN or CLOSED.
   *
   * @return the state
   */
  public CircuitState state() {
    return open ? CircuitState.OPEN : CircuitState.CLOSED;
  }

  /**
   * Returns the settings in force.
   *
   * @return the settings
   */
  public GlobalFuseConfig config() {
    return config;
  }

  /**
   * Returns whether a closed breaker must refuse a call at {@code now}: the fuse is open and no
   * component cooldown has ended since it was last recomputed. Once one has, moves the components
   * whose cooldown has ended to half-open and answers from the recomputed state.
   */
  boolean refuses(long now) {
    if (!open) {
      return false;
    }
    if (!timed || now - reopenAtNanos < 0) {
      return true;
    }
    for (CircuitBreaker b : components.get()) {
      b.halfOpenIfDue(now); // each move recomputes the fuse
    }
    onComponentTransition(); // and again in case another thread made the moves
    return open;
  }

  /**
   * The wait a {@link CircuitRejectedException.Reason#GLOBAL_OPEN} refusal suggests: until the
   * earliest component cooldown ends, or {@code whenUntimed} (the refusing breaker's own cooldown)
   * if only forced-open components hold the fuse open, since no cooldown ends those. Never zero.
   */
  Duration retryAfter(long now, Duration whenUntimed) {
    if (!timed) {
      return whenUntimed;
    }
    long remaining = reopenAtNanos - now;
    return remaining > 0 ? Duration.ofNanos(remaining) : RETRY_SOON;
  }

  void reconfigure(GlobalFuseConfig next) {
    config = next;
    onComponentTransition();
  }

  /**
   * Recomputes the derived state; called after a component enters or leaves an open state, when a
   * breaker is added or removed, and by {@link #refuses(long)} once a cooldown has ended.
   */
  void onComponentTransition() {
    boolean changed;
    boolean nowOpen;
    synchronized (this) {
      GlobalFuseConfig c = config;
      long now = clock.nanoTime();
      int total = 0;
      int opened = 0;
      boolean anyTimed = false;
      long earliest = 0;
      for (CircuitBreaker b : components.get()) {
        total++;
        CircuitState s = b.state();
        if (s.isOpen()) {
          opened++;
          if (s == CircuitState.OPEN) {
            long end = b.cooldownEndNanos(now);
            if (!anyTimed || end - earliest < 0) {
              earliest = end;
            }
            anyTimed = true;
          }
        }
      }
      componentCount = total;
      openComponents = opened;
      nowOpen =
          c.enabled() && total >= c.minComponents() && opened >= c.componentOpenRatio() * total;
      reopenAtNanos = earliest;
      timed = anyTimed;
      changed = nowOpen != open;
      open = nowOpen;
    }
    if (changed) {
      announce(nowOpen);
    }
  }

  private void announce(boolean nowOpen) {
    CircuitState from = nowOpen ? CircuitState.CLOSED : CircuitState.OPEN;
    CircuitState to = nowOpen ? CircuitState.OPEN : CircuitState.CLOSED;
    String transition = from + " -> " + to;
    (nowOpen ? log.atWarn() : log.atInfo())
        .addKeyValue("name", NAME)
        .addKeyValue("transition", transition)
        .addKeyValue("reason", TransitionReason.GLOBAL_FUSE)
        .addKeyValue("open_components", openComponents)
        .addKeyValue("components", componentCount)
        .setMessage("Global fuse {} ({} of {} circuit breakers open)")
        .addArgument(transition)
        .addArgument(openComponents)
        .addArgument(componentCount)
        .log();
    if (!listeners.isEmpty()) {
      HealthStatus health = nowOpen ? HealthStatus.DEGRADED : HealthStatus.UP;
      CircuitMetrics m =
          new CircuitMetrics(to, 0, 0, 0, 0, 0, 0, 0, 0, nowOpen ? 0 : 1, health, 0, 0, 0, 0, 0);
      listeners.publish(
          new CircuitEvent.StateTransition(
              NAME, clock.instant(), from, to, TransitionReason.GLOBAL_FUSE, m));
    }
  }

  /**
   * Returns the fuse's settings and derived state as an ordered map.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    GlobalFuseConfig c = config;
    List<String> openNames = new ArrayList<>();
    for (CircuitBreaker b : components.get()) {
      if (b.state().isOpen()) {
        openNames.add(b.name());
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", NAME);
    d.put("state", state().name());
    d.put("healthStatus", open ? HealthStatus.DEGRADED.name() : HealthStatus.UP.name());
    d.put("openComponents", openNames);
    d.put("components", componentCount);
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("enabled", c.enabled());
    cfg.put("componentOpenRatio", c.componentOpenRatio());
    cfg.put("minComponents", c.minComponents());
    d.put("config", cfg);
    return d;
  }

  @Override
  public String toString() {
    return "GlobalFuse[" + state() + "]";
  }
}
