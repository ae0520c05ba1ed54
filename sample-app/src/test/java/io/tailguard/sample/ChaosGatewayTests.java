package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.circuitbreaker.GlobalFuse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A correlated outage behind a gateway breaker: the orders API reaches {@code db} and {@code
 * inventory} only through {@code auth} (see {@code OrderBackends}), and both fail together.
 */
class ChaosGatewayTests extends ChaosTestSupport {

  static final String KEY = "gateway-client";

  /**
   * {@code db} and {@code inventory} answer 503. Their breakers open; 2 of the 6 breakers counted
   * is the 30% that opens the global fuse, and then every closed breaker refuses at once with
   * GLOBAL_OPEN, {@code auth} and {@code quotes} included, while {@code auth} itself never opens
   * (its calls did not fail). No request reaches {@code db} or {@code inventory} while the fuse is
   * open, yet the fuse does not stay open for good: once they are back it closes and the orders API
   * serves again within a few seconds.
   */
  @Test
  void aCorrelatedOutageBehindTheGatewayOpensTheGlobalFuseWhichClosesAgainAfterRecovery() {
    warmUp();
    assertThat(get("/orders/1", KEY).statusCode()).isEqualTo(200);
    assertThat(get("/stock/SKU-1", KEY).statusCode()).isEqualTo(200);
    assertThat(breakers.names()).containsExactlyInAnyOrderElementsOf(allBreakers());
    Snapshot before = snapshot();
    long outageAt;
    Transition fuseOpened;
    long recoverAt;
    ChaosLoad orders =
        load(3, Duration.ofMillis(20), i -> i % 2 == 0 ? "/orders/" + i : "/stock/SKU-" + i, KEY);
    ChaosLoad quotes = load(1, Duration.ofMillis(20), i -> "/quotes/G" + i);
    try {
      await().atMost(PATIENCE).until(() -> orders.answeredSince(Long.MIN_VALUE) >= 20);
      outageAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"down\":[\"db\",\"inventory\"]}").statusCode())
          .isEqualTo(200);
      fuseOpened = awaitTransition(GlobalFuse.NAME, CircuitState.OPEN, outageAt, orders);
      await()
          .atMost(PATIENCE)
          .until(
              () ->
                  orders.answeredSince(fuseOpened.atNanos()) >= 30
                      && quotes.answeredSince(fuseOpened.atNanos()) >= 10);
      recoverAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"down\":[]}").statusCode()).isEqualTo(200);
      awaitRecovered(orders, recoverAt, () -> !breakers.globalFuse().isOpen());
    } finally {
      orders.close();
      quotes.close();
    }
    List<ChaosLoad.Call> orderCalls = orders.calls();
    List<ChaosLoad.Call> quoteCalls = quotes.calls();

    assertNo500(orderCalls);
    assertNo500(quoteCalls);
    assertThat(orderCalls)
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 502, 503));
    assertThat(quoteCalls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 503));
    for (String dependency : List.of("db", "inventory")) {
      assertThat(firstTransition(dependency, CircuitState.OPEN, outageAt))
          .as(dependency + " opened")
          .isPresent();
    }
    assertThat(transitionsOf("auth")).as("auth's own transitions").isEmpty();
    long timeToOpen = fuseOpened.atNanos() - outageAt;
    assertThat(Duration.ofNanos(timeToOpen)).isLessThan(Duration.ofSeconds(8));
    // While the fuse is open, the closed breakers refuse at once: auth (so db and inventory see
    // nothing) and quotes, whose downstream is fine.
    assertRefusedAtOnceWhileOpen(GlobalFuse.NAME, orderCalls, outageAt, recoverAt);
    List<ChaosLoad.Call> refusedQuotes =
        assertRefusedAtOnceWhileOpen(GlobalFuse.NAME, quoteCalls, outageAt, recoverAt);
    assertThat(refusedQuotes)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.body()).as(c.toString()).contains("GLOBAL_OPEN"));
    assertRetryAfterOnEvery503(orderCalls);
    assertRetryAfterOnEvery503(quoteCalls);
    long timeToRecover = recoveredAt(orderCalls, recoverAt) - recoverAt;
    assertThat(Duration.ofNanos(timeToRecover)).isLessThan(Duration.ofSeconds(10));
    assertThat(breakers.globalFuse().isOpen()).isFalse();
    assertNothingLeftBehind(before);

    List<ChaosLoad.Call> fault = filter(orderCalls, c -> c.startedIn(outageAt, recoverAt));
    report(
        "correlated outage behind a gateway",
        String.format(
            "fuse opened %.2f s after the outage began (db and inventory open, auth never; open"
                + " periods: %d), orders served again %.2f s after it ended; during the outage %d"
                + " order calls, %s errors (%d x 502, %d x 503, slowest 503 %d ms), %d quote calls"
                + " refused with GLOBAL_OPEN",
            seconds(timeToOpen),
            openIntervals(GlobalFuse.NAME, outageAt, recoverAt).size(),
            seconds(timeToRecover),
            fault.size(),
            pct(fault.stream().filter(c -> c.status() != 200).count(), fault.size()),
            count(fault, 502),
            count(fault, 503),
            max(filter(fault, c -> c.status() == 503)),
            refusedQuotes.size()));
  }
}
