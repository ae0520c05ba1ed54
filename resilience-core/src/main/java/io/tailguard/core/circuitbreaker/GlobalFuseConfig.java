package io.tailguard.core.circuitbreaker;

/**
 * Settings of a registry's global fuse: when at least {@code componentOpenRatio} of at least {@code
 * minComponents} breakers are open, every closed breaker of the registry refuses calls too.
 *
 * @param enabled whether the fuse can open; default {@code true}
 * @param componentOpenRatio the share of open breakers, in (0, 1], that opens the fuse; default 0.5
 * @param minComponents the fewest breakers the registry must hold for the fuse to open, in [1,
 *     100000]; default 3
 */
public record GlobalFuseConfig(boolean enabled, double componentOpenRatio, int minComponents) {

  /** The defaults: enabled, ratio 0.5, at least 3 components. */
  public static final GlobalFuseConfig DEFAULTS =
      new GlobalFuseConfig(
          CircuitSettings.GLOBAL_ENABLED.defaultValue(),
          CircuitSettings.COMPONENT_OPEN_RATIO.defaultValue(),
          CircuitSettings.MIN_COMPONENTS.defaultValue());

  /** A fuse that never opens. */
  public static final GlobalFuseConfig DISABLED =
      new GlobalFuseConfig(
          false,
          CircuitSettings.COMPONENT_OPEN_RATIO.defaultValue(),
          CircuitSettings.MIN_COMPONENTS.defaultValue());

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the field, its range and the value
   */
  public GlobalFuseConfig {
    CircuitSettings.COMPONENT_OPEN_RATIO.check(componentOpenRatio);
    CircuitSettings.MIN_COMPONENTS.check(minComponents);
  }
}
