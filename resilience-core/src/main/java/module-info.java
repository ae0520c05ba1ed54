/**
 * Tailguard's plain-Java resilience engines. Exports the API packages only; {@code
 * io.tailguard.core.internal} and its subpackages are the core's own and may change in any release.
 */
module io.tailguard.core {
  requires org.slf4j;
  // HdrHistogram's jar names no module: this is the name derived from its file name.
  requires HdrHistogram;
  requires tools.jackson.core;
  requires tools.jackson.dataformat.yaml;
  // Only the Redis rate-limit store uses Lettuce, and only applications that share limits on Redis
  // have it. Not transitive: that would make every modular client need Lettuce to compile; one that
  // hands the store its own connection requires lettuce.core itself.
  requires static lettuce.core;

  exports io.tailguard.core;
  exports io.tailguard.core.circuitbreaker;
  exports io.tailguard.core.config;
  exports io.tailguard.core.engine;
  exports io.tailguard.core.event;
  exports io.tailguard.core.health;
  exports io.tailguard.core.hedge;
  exports io.tailguard.core.http;
  exports io.tailguard.core.ratelimiter;
  exports io.tailguard.core.ratelimiter.redis;
  exports io.tailguard.core.retry;
  exports io.tailguard.core.runtime;
  exports io.tailguard.core.telemetry;
  exports io.tailguard.core.time;
}
