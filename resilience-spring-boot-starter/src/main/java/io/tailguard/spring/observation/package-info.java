/**
 * Micrometer Observation support: each protected call as a {@code resilience.call} observation, so
 * tracing and timing work wherever Micrometer's {@code ObservationRegistry} reaches.
 */
package io.tailguard.spring.observation;
