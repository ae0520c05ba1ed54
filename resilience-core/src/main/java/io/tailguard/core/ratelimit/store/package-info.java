/**
 * Where rate limiters keep their keys: the {@link
 * io.tailguard.core.ratelimit.store.RateLimiterStore} SPI and the default {@link
 * io.tailguard.core.ratelimit.store.InMemoryRateLimiterStore}.
 */
package io.tailguard.core.ratelimit.store;
