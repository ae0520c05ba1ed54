/**
 * Customizer beans: code that shapes an engine's settings per instance, on top of what {@code
 * resilience.*} configures, applied when the instance is created and again on every reload.
 */
package io.tailguard.spring.customize;
