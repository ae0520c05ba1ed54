/** Micrometer meters for the engines, named as in the design's metrics table. */
package io.tailguard.spring.metrics;
