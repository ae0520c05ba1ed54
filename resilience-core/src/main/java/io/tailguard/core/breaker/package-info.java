/**
 * The circuit breaker: {@link io.tailguard.core.breaker.CircuitBreaker}, its settings {@link
 * io.tailguard.core.breaker.CircuitConfig}, the {@link
 * io.tailguard.core.breaker.CircuitBreakerRegistry} of named breakers and its derived {@link
 * io.tailguard.core.breaker.GlobalFuse}.
 */
package io.tailguard.core.breaker;
