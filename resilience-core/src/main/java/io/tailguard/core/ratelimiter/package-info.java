/**
 * Rate limiting per operation and per key: {@link io.tailguard.core.ratelimiter.RateLimiter} (GCRA,
 * one atomic long per key), its settings {@link io.tailguard.core.ratelimiter.RateLimitConfig}, and
 * the {@link io.tailguard.core.ratelimiter.RateLimiterRegistry} of named limiters. Stores live in
 * {@code store}.
 */
package io.tailguard.core.ratelimiter;
