/**
 * Context propagation into hedge and retry attempts that run on other threads, with Micrometer's
 * context-propagation library: {@link io.tailguard.spring.context.ContextSnapshotPropagator}.
 */
package io.tailguard.spring.context;
