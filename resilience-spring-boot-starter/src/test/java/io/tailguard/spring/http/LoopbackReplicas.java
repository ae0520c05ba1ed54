package io.tailguard.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import io.tailguard.spring.http.LoopbackServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /** A call's status, whatever it is (no exception for 4xx and 5xx), through the client tested. */
  @FunctionalInterface
  interface StatusCall {
    int status(String method, URI uri) throws Exception;
  }

  /**
   * A client {@code replicas} over the slow server, then the fast one, hedged by {@code replicas}.
   */
  String[] slowThenFastReplicas() {
    return new String[] {
      "resilience.http-clients.replicas.endpoints[0].url=" + slow.uri(),
      "resilience.http-clients.replicas.endpoints[1].url=" + fast.uri(),
      "resilience.http-clients.replicas.hedge=replicas"
    };
  }

  /**
   * With {@code call} a GET of {@code /items/1} through the {@link #slowThenFastReplicas} client:
   * the primary goes to the first endpoint, the slow one, which holds it; the hedge to the fast one
   * wins once the fake clock passes the hedge delay, and the loser's exchange is cancelled.
   */
  void assertTheHedgeToTheFastReplicaWins(FakeClock clock, CompletableFuture<String> call)
      throws Exception {
    assertThat(slow.awaitRequests(1))
        .extracting(LoopbackServer.Request::target)
        .containsExactly("/items/1");
    hedgeDelaysPass(clock, fast);
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("fast");
    slow.awaitAbandoned(1); // the loser's exchange was cancelled, its connection closed
    assertThat(fast.received())
        .extracting(LoopbackServer.Request::target)
        .containsExactly("/items/1");
  }

  /** The failing server answers its first request 503, then echoes each body as "got BODY". */
  void failOnceThenEcho() {
    failing.handler(
        r -> r.number() == 1 ? Reply.of(503, "busy") : Reply.of(200, "got " + r.bodyText()));
  }

  /** The failing server got the body "payload" and the header {@code X-Id: 7} twice. */
  void assertTheBodyAndHeadersWereSentTwice() {
    assertThat(failing.received())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.bodyText()).isEqualTo("payload");
              assertThat(r.header("X-Id")).isEqualTo("7");
            });
  }

  /**
   * Through a client retried by {@code twice}: a POST to the failing server is sent once, a GET
   * twice.
   */
  void assertAPostIsSentOnceAndAGetTwice(StatusCall call) throws Exception {
    assertThat(call.status("POST", failing.uri("/orders"))).isEqualTo(503);
    assertThat(failing.requests()).isEqualTo(1);
    assertThat(call.status("GET", failing.uri("/orders"))).isEqualTo(503);
    assertThat(failing.requests()).isEqualTo(3);
    assertThat(failing.received())
        .extracting(LoopbackServer.Request::method)
        .containsExactly("POST", "GET", "GET");
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
