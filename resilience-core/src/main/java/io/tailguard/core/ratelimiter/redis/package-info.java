/**
 * Rate limits shared by every instance of a service through Redis: {@link
 * io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore}. Needs {@code io.lettuce:lettuce-core}
 * on the class path (an optional dependency of this module).
 */
package io.tailguard.core.ratelimiter.redis;
