/**
 * The rolling window of call outcomes behind the circuit breaker: rings of time buckets in
 * per-thread stripes, one compare-and-set per recorded call. Public for tests and benchmarks;
 * applications use {@link io.tailguard.core.breaker.CircuitBreaker}.
 */
package io.tailguard.core.internal.window;
