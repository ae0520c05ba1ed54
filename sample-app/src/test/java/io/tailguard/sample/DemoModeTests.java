package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.sample.catalog.CatalogReplicas;
import io.tailguard.sample.demo.Demo;
import io.tailguard.sample.demo.DemoProperties;
import io.tailguard.sample.demo.DemoReport;
import io.tailguard.sample.demo.DemoRunner;
import io.tailguard.sample.downstream.Downstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code --demo}, shortened to 6 seconds: the report shows hedging, the breaker opening and
 * closing, and rate limits per key; a second, bounded load run leaves no threads behind.
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    args = "--demo",
    properties = {
      "demo.duration=6s",
      "demo.rate=100",
      "demo.exit=false",
      "resilience.circuit-breaker.defaults.rolling-window=3s",
      "resilience.circuit-breaker.defaults.open-cooldown=300ms",
      "resilience.circuit-breaker.defaults.max-open-cooldown=600ms",
      "resilience.health.interval=200ms",
      "resilience.health.timeout=150ms",
      // A small burst, so that even a slow machine sends the greedy key over it in 0.9 s.
      "resilience.rate-limiter.instances.search.capacity=5"
    })
class DemoModeTests {

  @Autowired DemoRunner runner;
  @Autowired Downstream downstream;
  @Autowired CatalogReplicas replicas;
  @Autowired HttpClientRegistry httpClients;
  @Autowired CircuitBreakerRegistry breakers;
  @Autowired HedgerRegistry hedgers;
  @Autowired RateLimiterRegistry limiters;
  @LocalServerPort int port;

  @Test
  void theReportShowsHedgingTheBreakerAndRateLimitsAtWork() {
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.report() != null);
    DemoReport report = runner.report();
    String text = report.render();

    DemoReport.Hedging h = report.hedging();
    assertThat(h.with().calls()).as(text).isGreaterThan(20);
    assertThat(h.without().calls()).as(text).isGreaterThan(20);
    assertThat(h.with().errors() + h.without().errors()).as(text).isZero();
    assertThat(h.with().downstreamRequests()).as(text).isGreaterThanOrEqualTo(h.with().calls());
    // Not hedged: one request per call (a warm-up call still in flight when measuring starts may
    // land its request in the count).
    assertThat(h.without().requestsPerCall()).as(text).isCloseTo(1.0, within(0.02));
    assertThat(h.maxExtraLoad()).isEqualTo(0.10);

    DemoReport.Outage o = report.outage();
    assertThat(o.opened()).as(text).isTrue();
    assertThat(o.closedAfter()).as(text).isTrue();
    assertThat(o.refused()).as(text).isPositive();
    assertThat(o.refusedWithRetryAfter()).as(text).isEqualTo(o.refused());
    assertThat(o.other()).as(text).isZero();
    assertThat(o.outageStart()).isLessThan(o.outageEnd());

    DemoReport.RateLimits r = report.rateLimits();
    assertThat(r.capacity()).isEqualTo(5);
    assertThat(r.keys())
        .extracting(DemoReport.KeyCounts::key)
        .containsExactly("greedy", "bursty", "steady");
    DemoReport.KeyCounts greedy = r.keys().get(0);
    DemoReport.KeyCounts bursty = r.keys().get(1);
    DemoReport.KeyCounts steady = r.keys().get(2);
    assertThat(greedy.limited()).as(text).isPositive();
    assertThat(greedy.retryAfterSeconds()).as(text).isPositive();
    // 7 at once: the 5 of the burst capacity (one more if the burst lasts 2 s), the rest 429.
    assertThat(bursty.ok() + bursty.limited()).as(text).isEqualTo(7);
    assertThat(bursty.ok()).as(text).isBetween(5L, 6L);
    assertThat(steady.limited()).as(text).isZero();
    assertThat(steady.ok()).as(text).isPositive();

    assertThat(text)
        .contains("1. Hedging")
        .contains("without hedging")
        .contains("with hedging")
        .contains("extra downstream load")
        .containsPattern("(PASS|FAIL): p99.9 cut")
        .doesNotContain("OUT_OF_SERVICE")
        .contains("breaker CLOSED -> OPEN")
        .contains("HALF_OPEN -> CLOSED")
        .contains("x 503 from the open breaker")
        .contains("3. Rate limit 'search': 5 requests per 10 s per API key")
        .contains("4. Replica hedging: client 'catalog'")
        .contains("plain RestClient")
        .contains("configured client")
        .contains("losing attempts cancelled");

    DemoReport.Replicas x = report.replicas();
    assertThat(x.configured().calls()).as(text).isGreaterThan(20);
    assertThat(x.plain().calls()).as(text).isGreaterThan(20);
    assertThat(x.configured().errors() + x.plain().errors()).as(text).isZero();
    // The plain client calls replica a only, once per call; the configured client sends its
    // primaries to replica a (ordered routing) and only hedges or retries to b.
    assertThat(x.plainToB()).as(text).isZero();
    assertThat(x.plain().requestsPerCall()).as(text).isCloseTo(1.0, within(0.02));
    assertThat(x.configuredToA() + x.configuredToB())
        .as(text)
        .isGreaterThanOrEqualTo(x.configured().calls());
    assertThat(x.hedges()).as(text).isGreaterThanOrEqualTo(x.hedgeWins());
  }

  /**
   * Threads outside the pools that grow with load up to a cap and shrink when idle (Tomcat's
   * workers, the hedge executor, the JDK HTTP client's workers).
   */
  static List<String> fixedThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!ELASTIC.matcher(t.getName()).matches()) {
        names.add(t.getName());
      }
    }
    Collections.sort(names);
    return names;
  }

  static final Pattern ELASTIC =
      Pattern.compile("http-nio-.*-exec-\\d+|tailguard-hedge-\\d+|HttpClient-\\d+-Worker-\\d+");

  static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * The bounded load test: another run of every phase (3 s, loopback only) answers no
   * unexpected 5xx, and leaves no thread behind (other than idle workers of capped pools) and no
   * heap growth.
   */
  @Test
  void aBoundedLoadRunLeavesNoThreadsAndNoHeapBehind() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> runner.report() != null);
    List<String> threadsBefore = fixedThreads();
    long heapBefore = usedHeapAfterGc();
    DemoProperties p = new DemoProperties();
    p.setDuration(Duration.ofSeconds(3));
    p.setRate(100);
    p.setExit(false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Demo demo =
        new Demo(
            URI.create("http://127.0.0.1:" + port),
            downstream,
            replicas,
            httpClients,
            breakers,
            hedgers,
            limiters,
            p,
            new PrintStream(out, true, StandardCharsets.UTF_8));
    DemoReport report = demo.run();
    assertThat(report.hedging().with().errors() + report.hedging().without().errors()).isZero();
    assertThat(report.outage().other()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("[demo ");
    // The JDK 17 HTTP client's selector thread ends when the client is collected.
    demo = null;
    long heapAfter = usedHeapAfterGc();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInSameThread()
        .untilAsserted(
            () -> {
              System.gc();
              assertThat(threadsBefore).containsAll(fixedThreads());
            });
    assertThat(heapAfter).isLessThan(heapBefore + 32 * 1024 * 1024);
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().startsWith("tailguard-hedge-"))
        .hasSizeLessThanOrEqualTo(256);
  }
}
