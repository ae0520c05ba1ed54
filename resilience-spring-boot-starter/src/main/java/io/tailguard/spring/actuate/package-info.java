/** Actuator support: the {@code resilience} health component and the resilience endpoints. */
package io.tailguard.spring.actuate;
