/**
 * Time sources. Every engine reads time through an injected {@link io.tailguard.core.time.Clock} so
 * that tests can move it by hand.
 */
package io.tailguard.core.time;
