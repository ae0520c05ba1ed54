/**
 * The rolling window of call outcomes behind the circuit breaker: a lock-free ring of time buckets
 * with striped counters. Public for tests and benchmarks; applications use {@link
 * io.tailguard.core.breaker.CircuitBreaker}.
 */
package io.tailguard.core.breaker.window;
