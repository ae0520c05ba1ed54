/**
 * Event plumbing shared by every engine: the {@link io.tailguard.core.event.ResilienceEvent} base
 * type, listeners and their delivery. Each engine declares its own sealed event family in its own
 * package.
 */
package io.tailguard.core.event;
