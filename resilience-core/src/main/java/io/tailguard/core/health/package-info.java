/** Health of components and dependencies: statuses, probes and their registry. */
package io.tailguard.core.health;
