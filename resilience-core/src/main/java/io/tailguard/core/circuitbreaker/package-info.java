/**
 * The circuit breaker: {@link io.tailguard.core.circuitbreaker.CircuitBreaker}, its settings {@link
 * io.tailguard.core.circuitbreaker.CircuitConfig}, the {@link
 * io.tailguard.core.circuitbreaker.CircuitBreakerRegistry} of named breakers and its derived {@link
 * io.tailguard.core.circuitbreaker.GlobalFuse}.
 */
package io.tailguard.core.circuitbreaker;
