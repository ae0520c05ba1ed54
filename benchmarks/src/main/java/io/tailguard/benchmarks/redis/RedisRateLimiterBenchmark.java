package io.tailguard.benchmarks.redis;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.ratelimiter.redis.RedisRateLimiterStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.RedisServer;

/**
 * Permits per second through a limit shared on Redis: Tailguard's {@link RedisRateLimiterStore}
 * (one {@code EVALSHA} of its GCRA script per permit) against Bucket4j 8.19.0's Lettuce proxy
 * manager (compare-and-swap based), both on the same embedded Redis on 127.0.0.1, in the same run.
 * Each library has its own Lettuce client. The limit (10^9 per second) is far above what the
 * benchmark can ask for, so every request is granted; each thread walks 100 keys.
 *
 * <p>Run both thread counts and get ratios with {@link RedisRateLimiterComparison}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class RedisRateLimiterBenchmark {

  private static final int LIMIT = 1_000_000_000;
  private static final int KEYS = 100;

  private RedisServer server;
  private RateLimiter tailguard;
  private RedisRateLimiterStore store;
  private RedisClient bucketClient;
  private StatefulRedisConnection<String, byte[]> bucketConnection;
  private BucketProxy[] buckets;
  private String[] keys;
  private final AtomicInteger threadSeq = new AtomicInteger();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int port = freePort();
    server =
        RedisServer.newRedisServer()
            .bind("127.0.0.1")
            .port(port)
            .setting("save \"\"")
            .setting("appendonly no")
            .build();
    server.start();
    String uri = "redis://127.0.0.1:" + port;
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "user-" + i;
    }
    store =
        RedisRateLimiterStore.builder("bench")
            .uri(uri)
            .commandTimeout(Duration.ofSeconds(1))
            .build();
    tailguard =
        RateLimiter.builder("bench")
            .config(RateLimitConfig.of(LIMIT, Duration.ofSeconds(1)))
            .store(store)
            .build();
    bucketClient = RedisClient.create(uri);
    bucketConnection =
        bucketClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    LettuceBasedProxyManager<String> proxies =
        Bucket4jLettuce.casBasedBuilder(bucketConnection).build();
    BucketConfiguration configuration =
        BucketConfiguration.builder()
            .addLimit(l -> l.capacity(LIMIT).refillGreedy(LIMIT, Duration.ofSeconds(1)))
            .build();
    buckets = new BucketProxy[KEYS];
    for (int i = 0; i < KEYS; i++) {
      buckets[i] = proxies.builder().build("b4j:" + keys[i], () -> configuration);
      if (!tailguard.tryAcquire(keys[i]) || !buckets[i].tryConsume(1)) {
        throw new IllegalStateException("a permit was refused in set-up");
      }
    }
    if (store.fallbacks() != 0) {
      throw new IllegalStateException("Tailguard's store fell back in set-up: " + store.describe());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (store.fallbacks() != 0) {
      // A fallback answers from memory: the run would not have measured Redis.
      System.err.println("WARNING: Tailguard's store fell back: " + store.describe());
    }
    store.close();
    bucketConnection.close();
    bucketClient.shutdown();
    server.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Per thread: the next key to ask for. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup
    public void setUp(RedisRateLimiterBenchmark b) {
      next = (b.threadSeq.getAndIncrement() * (KEYS / 2)) % KEYS;
    }

    int advance() {
      int i = next;
      next = i + 1 == KEYS ? 0 : i + 1;
      return i;
    }
  }

  @Benchmark
  public boolean tailguard(Cursor c) {
    return tailguard.tryAcquire(keys[c.advance()]);
  }

  @Benchmark
  public boolean bucket4j(Cursor c) {
    return buckets[c.advance()].tryConsume(1);
  }
}
