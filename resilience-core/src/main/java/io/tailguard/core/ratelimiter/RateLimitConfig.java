package io.tailguard.core.ratelimiter;

import io.tailguard.core.internal.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of one {@link RateLimiter}: {@code capacity} permits per {@code window} for each
 * key, with bursts of up to {@code capacity}, and the limits that keep the key table bounded.
 *
 * <p>Permits are spread evenly: one is earned back every {@code window / capacity} (the emission
 * interval), and a key that stayed idle for a whole window may spend all {@code capacity} at once.
 * Over any interval of length {@code t}, a key is granted at most {@code capacity + t / interval}
 * permits (the generic cell rate algorithm, GCRA).
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>capacity</td><td>60</td><td>[1, 1,000,000,000]</td></tr>
 *   <tr><td>window</td><td>60s</td><td>[1ms, 366d]</td></tr>
 *   <tr><td>cleanupThreshold</td><td>1,000</td><td>[1, maxKeys]</td></tr>
 *   <tr><td>maxKeys</td><td>100,000</td><td>[1, 100,000,000]</td></tr>
 * </table>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RateLimitConfig {

  /** The longest key accepted, in characters; longer keys are refused, never truncated. */
  public static final int MAX_KEY_LENGTH = 256;

  static final int MAX_CAPACITY = 1_000_000_000;
  static final Duration MIN_WINDOW = Duration.ofMillis(1);
  static final Duration MAX_WINDOW = Duration.ofDays(366);
  static final int MAX_MAX_KEYS = 100_000_000;

  private static final RateLimitConfig DEFAULTS = builder().build();

  private final int capacity;
  private final Duration window;
  private final int cleanupThreshold;
  private final int maxKeys;
  // Derived: nanoseconds per permit, rounded up so the rate is never above capacity / window.
  private final long emissionNanos;
  // Derived: how far ahead of now a key's theoretical arrival time may run (capacity permits).
  private final long burstNanos;

  private RateLimitConfig(Builder b) {
    this.capacity = b.capacity;
    this.window = b.window;
    this.maxKeys = b.maxKeys;
    this.cleanupThreshold = b.cleanupThreshold;
    long windowNanos = window.toNanos();
    this.emissionNanos = Math.max(1, (windowNanos + capacity - 1) / capacity);
    this.burstNanos = emissionNanos * capacity;
  }

  /**
   * Returns the defaults: 60 permits per 60 s, cleanup above 1,000 keys, at most 100,000 keys.
   *
   * @return the defaults
   */
  public static RateLimitConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Shorthand for a config with this capacity and window and default key limits.
   *
   * @param capacity permits per window
   * @param window the window
   * @return the config
   */
  public static RateLimitConfig of(int capacity, Duration window) {
    return builder().capacity(capacity).window(window).build();
  }

  /**
   * Returns a builder holding these settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .capacity(capacity)
        .window(window)
        .cleanupThreshold(cleanupThreshold)
        .maxKeys(maxKeys);
  }

  /**
   * Returns the permits per window and the largest burst.
   *
   * @return the capacity
   */
  public int capacity() {
    return capacity;
  }

  /**
   * Returns the window in which {@link #capacity()} permits are granted.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  /**
   * Returns the key count above which idle keys are evicted.
   *
   * @return the threshold
   */
  public int cleanupThreshold() {
    return cleanupThreshold;
  }

  /**
   * Returns the most keys tracked at once; a new key beyond it is refused.
   *
   * @return the cap
   */
  public int maxKeys() {
    return maxKeys;
  }

  /**
   * Returns the time in which one permit is earned back: {@code window / capacity}, rounded up to a
   * whole nanosecond.
   *
   * @return the emission interval in nanoseconds
   */
  public long emissionIntervalNanos() {
    return emissionNanos;
  }

  /**
   * Returns the burst tolerance: {@code capacity} emission intervals.
   *
   * @return the tolerance in nanoseconds
   */
  public long burstNanos() {
    return burstNanos;
  }

  /**
   * Returns the settings as a map of their documented names, for reports.
   *
   * @return an ordered map
   */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("capacity", capacity);
    m.put("window", Durations.format(window));
    m.put("cleanupThreshold", cleanupThreshold);
    m.put("maxKeys", maxKeys);
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof RateLimitConfig c && RateLimitSettings.RATE_LIMIT.equal(this, c));
  }

  @Override
  public int hashCode() {
    return RateLimitSettings.RATE_LIMIT.hash(this);
  }

  @Override
  public String toString() {
    return "RateLimitConfig" + describe();
  }

  /**
   * Builds a {@link RateLimitConfig}. Each setter refuses a value out of its own range at once;
   * {@link #build()} checks {@code cleanupThreshold <= maxKeys}.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private int capacity = RateLimitSettings.CAPACITY.defaultValue();
    private Duration window = RateLimitSettings.WINDOW.defaultValue();
    private int cleanupThreshold = RateLimitSettings.CLEANUP_THRESHOLD.defaultValue();
    private int maxKeys = RateLimitSettings.MAX_KEYS.defaultValue();

    private Builder() {}

    /**
     * Sets the permits per window, which is also the largest burst.
     *
     * @param capacity in [1, 1,000,000,000]
     * @return this builder
     */
    public Builder capacity(int capacity) {
      this.capacity = RateLimitSettings.CAPACITY.check(capacity);
      return this;
    }

    /**
     * Sets the window.
     *
     * @param window in [1ms, 366d]
     * @return this builder
     */
    public Builder window(Duration window) {
      this.window = RateLimitSettings.WINDOW.check(window);
      return this;
    }

    /**
     * Sets the key count above which idle keys are evicted.
     *
     * @param cleanupThreshold in [1, maxKeys]
     * @return this builder
     */
    public Builder cleanupThreshold(int cleanupThreshold) {
      // Its upper bound, max-keys, is checked when built, whichever of the two is set first.
      if (cleanupThreshold < 1) {
        throw new IllegalArgumentException(
            "cleanupThreshold must be in [1, maxKeys = " + maxKeys + "], was " + cleanupThreshold);
      }
      this.cleanupThreshold = RateLimitSettings.CLEANUP_THRESHOLD.check(cleanupThreshold);
      return this;
    }

    /**
     * Sets the most keys tracked at once.
     *
     * @param maxKeys in [1, 100,000,000]
     * @return this builder
     */
    public Builder maxKeys(int maxKeys) {
      this.maxKeys = RateLimitSettings.MAX_KEYS.check(maxKeys);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the config
     * @throws IllegalArgumentException naming the first invalid field, its range and value
     */
    public RateLimitConfig build() {
      return RateLimitSettings.RATE_LIMIT.checkRules(new RateLimitConfig(this));
    }
  }
}
