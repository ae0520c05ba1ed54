/**
 * Tailguard's plain-Java resilience engines. Start with {@link
 * io.tailguard.core.circuitbreaker.CircuitBreaker}; each engine lives in its own subpackage.
 */
package io.tailguard.core;
