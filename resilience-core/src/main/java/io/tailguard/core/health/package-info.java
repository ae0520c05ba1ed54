/**
 * Health of components and dependencies: {@link io.tailguard.core.HealthStatus}, {@link
 * io.tailguard.core.health.HealthProbe}s and the {@link io.tailguard.core.health.HealthRegistry}
 * that runs them on a schedule and reads circuit breakers live. {@code docs/health.md} is the
 * contract.
 */
package io.tailguard.core.health;
