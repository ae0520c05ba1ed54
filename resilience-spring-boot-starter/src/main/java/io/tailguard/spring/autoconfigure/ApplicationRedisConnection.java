package io.tailguard.spring.autoconfigure;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.ratelimiter.RateLimiterStore;
import io.tailguard.core.runtime.RedisStores;
import io.tailguard.core.time.Clock;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One String-codec connection opened on the application's Lettuce client (the one {@code
 * spring.data.redis.*} configures), for the Redis rate limiter stores. The application's client and
 * its own connections are left alone; this connection is closed with the bean.
 *
 * <p>Thread-safe: the connection is final and Lettuce connections are thread-safe.
 */
public final class ApplicationRedisConnection implements RedisStoresSource, AutoCloseable {

  private final StatefulConnection<String, String> connection;
  private final RedisScriptingAsyncCommands<String, String> commands;
  private final String description;

  /**
   * Connects on the factory's client.
   *
   * @param factory the application's started connection factory
   * @throws IllegalStateException if Redis cannot be reached now
   */
  ApplicationRedisConnection(LettuceConnectionFactory factory) {
    AbstractRedisClient client = factory.getRequiredNativeClient();
    try {
      if (client instanceof RedisClusterClient cluster) {
        StatefulRedisClusterConnection<String, String> c = cluster.connect(StringCodec.UTF8);
        this.connection = c;
        this.commands = c.async();
        this.description = "cluster";
      } else if (client instanceof RedisClient redis) {
        StatefulRedisConnection<String, String> c = redis.connect(StringCodec.UTF8);
        this.connection = c;
        this.commands = c.async();
        this.description =
            factory.getStandaloneConfiguration().getHostName()
                + ":"
                + factory.getStandaloneConfiguration().getPort();
      } else {
        throw new IllegalStateException(
            "resilience.rate-limiter.backend redis: unsupported Lettuce client "
                + client.getClass().getName());
      }
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException(
          "resilience.rate-limiter.backend redis: cannot connect to the Redis of"
              + " spring.data.redis.* ("
              + factory.getStandaloneConfiguration().getHostName()
              + ":"
              + factory.getStandaloneConfiguration().getPort()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Returns the factory of stores over this connection.
   *
   * @param settings the {@code rate-limiter.redis} group (its URI is ignored)
   * @param clock the limiters' clock
   * @return the factory
   */
  @Override
  public RateLimiterStore.Factory stores(ResilienceConfig.RedisSection settings, Clock clock) {
    return RedisStores.fromCommands(settings, commands, clock);
  }

  /**
   * Returns where it is connected.
   *
   * @return host:port, or {@code cluster}
   */
  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    connection.close();
  }
}
