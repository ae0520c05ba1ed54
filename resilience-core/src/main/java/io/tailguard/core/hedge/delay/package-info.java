/**
 * Hedge delay strategies behind {@link io.tailguard.core.hedge.delay.HedgeDelayStrategy}: fixed,
 * percentile (windowed HdrHistogram), adaptive (online quantile under the budget) and backoff.
 */
package io.tailguard.core.hedge.delay;
