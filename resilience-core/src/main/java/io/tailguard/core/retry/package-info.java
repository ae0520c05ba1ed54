/**
 * Retry: {@link io.tailguard.core.retry.Retrier}, its settings {@link
 * io.tailguard.core.retry.RetryPolicy} with the {@link io.tailguard.core.retry.Backoff} delays and
 * {@link io.tailguard.core.retry.Jitter}, the {@link io.tailguard.core.retry.RetryRegistry} of
 * named retriers, and the {@link io.tailguard.core.retry.HttpStatusExtractor} SPI that reads HTTP
 * statuses and {@code Retry-After} from failures.
 */
package io.tailguard.core.retry;
