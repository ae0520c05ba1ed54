/**
 * Call telemetry: the {@link io.tailguard.core.telemetry.CallEvent} every engine yields, running
 * statistics, HdrHistogram latency windows, the event log with its windowed queries, and recordings
 * for comparing configurations.
 */
package io.tailguard.core.telemetry;
