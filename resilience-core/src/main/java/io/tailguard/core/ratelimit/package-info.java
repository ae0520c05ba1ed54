/**
 * Rate limiting per operation and per key: {@link io.tailguard.core.ratelimit.RateLimiter} (GCRA,
 * one atomic long per key), its settings {@link io.tailguard.core.ratelimit.RateLimitConfig}, and
 * the {@link io.tailguard.core.ratelimit.RateLimiterRegistry} of named limiters. Stores live in
 * {@code store}.
 */
package io.tailguard.core.ratelimit;
