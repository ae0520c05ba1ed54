package io.tailguard.spring.http;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The loopback set-up the {@code RestClient} and {@code WebClient} tests share: a fast, a slow and
 * a failing server started before each test and closed after it, the retry policy and hedge they
 * configure, and a runtime on a fake clock. Used by one test at a time, on its thread.
 */
final class LoopbackReplicas implements BeforeEachCallback, AfterEachCallback {

  /** A retry policy {@code twice} (10 ms backoff) and a hedge {@code replicas} (20 ms delay). */
  static final String[] RETRY_TWICE_AND_HEDGE_REPLICAS = {
    "resilience.retry.policies.twice.max-attempts=2",
    "resilience.retry.policies.twice.base-delay=10ms",
    "resilience.retry.policies.twice.max-delay=1m",
    "resilience.retry.policies.twice.jitter=none",
    "resilience.hedge.instances.replicas.max-hedges=1",
    "resilience.hedge.instances.replicas.delay.strategy=fixed",
    "resilience.hedge.instances.replicas.delay.delay=20ms"
  };

  /** Lets the slow server answer; counted down after each test so its held exchanges end. */
  final CountDownLatch release = new CountDownLatch(1);

  /** Answers "fast" at once. */
  LoopbackServer fast;

  /** Holds each request until {@link #release}, then answers "slow". */
  LoopbackServer slow;

  /** Answers 503, unless a test gives it another handler. */
  LoopbackServer failing;

  @Override
  public void beforeEach(ExtensionContext context) {
    fast = LoopbackServer.start("fast", LoopbackServer.fast("fast"));
    slow = LoopbackServer.start("slow", LoopbackServer.slow("slow", release));
    failing = LoopbackServer.start("failing", LoopbackServer.failing(503));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    release.countDown();
    fast.close();
    slow.close();
    failing.close();
  }

  /** The JDK's HttpClient on HTTP/1.1, as both client tests send with. */
  static HttpClient http11() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * Moves the fake clock on in steps of the hedge delay until the hedge reaches {@code server}: the
   * hedge's timer may be scheduled a little after the primary reached its server.
   */
  static void hedgeDelaysPass(FakeClock clock, LoopbackServer server) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              clock.advance(Duration.ofMillis(20));
              return server.requests() > 0;
            });
  }

  /**
   * A runtime on the fake clock: blocking retries sleep by advancing it; hedge delays pass when the
   * test advances it.
   */
  @Configuration(proxyBeanMethods = false)
  static class FakeClockRuntime {
    @Bean(destroyMethod = "close")
    ResilienceRuntime resilienceRuntime(ResilienceConfig config, FakeClock clock) {
      return ResilienceRuntime.builder().config(config).clock(clock).scheduler(clock).build();
    }
  }
}
