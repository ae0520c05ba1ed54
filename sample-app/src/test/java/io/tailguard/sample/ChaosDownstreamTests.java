package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.sample.downstream.Downstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Faults of the quotes downstream, under load on {@code GET /quotes/{symbol}} ({@code @Retried},
 * {@code @Hedged} with a 1 s timeout, {@code @CircuitProtected}): a hung downstream, a brownout, a
 * flapping one, and connection resets with garbage answers.
 */
class ChaosDownstreamTests extends ChaosTestSupport {

  /**
   * The downstream accepts requests and never answers. Each hedged call ends at its 1 s timeout
   * with 504, not retried (a timeout is not a failure a retry can mend, and it would triple the
   * wait); the timeouts count as failures, so the breaker opens within a few seconds and then
   * answers 503 at once, with Retry-After; once the downstream answers again the breaker closes
   * within its longest cooldown and a few trial calls.
   */
  @Test
  void aHungDownstreamOpensTheBreakerAndTheServiceRecoversOnceItAnswers() {
    warmUp();
    Snapshot before = snapshot();
    long hangAt;
    long hungFrom;
    Transition opened;
    long clearAt;
    Transition closed;
    // Enough clients that calls of 1 s fill the breaker's 2 s window past its 10 calls.
    ChaosLoad load = load(8, Duration.ofMillis(20), i -> "/quotes/H" + i);
    try {
      await().atMost(PATIENCE).until(() -> load.answeredSince(Long.MIN_VALUE) >= 20);
      hangAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"hang\":true}").statusCode()).isEqualTo(200);
      hungFrom = System.nanoTime();
      opened = awaitTransition("quotes", CircuitState.OPEN, hangAt, load);
      // The open breaker sheds the load; after its cooldown, trial calls time out and it opens
      // again.
      Transition halfOpen =
          awaitTransition("quotes", CircuitState.HALF_OPEN, opened.atNanos(), load);
      awaitTransition("quotes", CircuitState.OPEN, halfOpen.atNanos(), load);
      clearAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"hang\":false}").statusCode()).isEqualTo(200);
      closed = awaitTransition("quotes", CircuitState.CLOSED, clearAt, load);
      await().atMost(PATIENCE).until(() -> load.answeredSince(closed.atNanos()) >= 40);
    } finally {
      load.close();
    }
    List<ChaosLoad.Call> calls = load.calls();

    assertNo500(calls);
    assertThat(calls)
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 502, 503, 504));
    assertThat(filter(calls, c -> c.startedIn(hungFrom, opened.atNanos())))
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isNotEqualTo(200));
    List<ChaosLoad.Call> timedOut = filter(calls, c -> c.status() == 504);
    // One timeout per call: the retry policy does not retry it.
    assertThat(timedOut)
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c.latencyNanos())
                    .as(c.toString())
                    .isLessThan(HEDGE_TIMEOUT.plusMillis(1500).toNanos()));
    long timeToOpen = opened.atNanos() - hangAt;
    assertThat(Duration.ofNanos(timeToOpen)).isLessThan(Duration.ofSeconds(8));
    List<ChaosLoad.Call> shed = assertRefusedAtOnceWhileOpen("quotes", calls, hangAt, clearAt);
    assertThat(shed).isNotEmpty();
    assertRetryAfterOnEvery503(calls);
    long timeToRecover = closed.atNanos() - clearAt;
    assertThat(Duration.ofNanos(timeToRecover)).isLessThan(Duration.ofSeconds(5));
    List<ChaosLoad.Call> after = filter(calls, c -> c.startNanos() >= closed.atNanos());
    assertThat(after)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(200));
    assertThat(downstream.stats().hung()).isPositive();
    assertNothingLeftBehind(before);

    List<ChaosLoad.Call> fault = filter(calls, c -> c.startedIn(hangAt, clearAt));
    report(
        "hung downstream",
        String.format(
            "time to open %.2f s, open periods %d, time to recover %.2f s; during the fault %d"
                + " calls, %s errors (%d x 504, slowest %d ms; %d x 503, slowest %d ms); after"
                + " recovery %d calls, %s errors",
            seconds(timeToOpen),
            openIntervals("quotes", hangAt, clearAt).size(),
            seconds(timeToRecover),
            fault.size(),
            pct(fault.stream().filter(c -> c.status() != 200).count(), fault.size()),
            count(fault, 504),
            max(filter(fault, c -> c.status() == 504)),
            count(fault, 503),
            max(filter(fault, c -> c.status() == 503)),
            after.size(),
            pct(after.stream().filter(c -> c.status() != 200).count(), after.size())));
  }

  /**
   * Half the requests take 200 ms more. A brownout is not an outage: every call succeeds, the
   * breaker stays closed (200 ms is far from the quotes breaker's 2 s slow-call duration), hedging
   * never makes the share of slow calls worse than the downstream's, and hedges stay within their
   * 10% budget.
   */
  @Test
  void aBrownoutFailsNoCallTripsNoBreakerAndHedgesStayWithinTheirBudget() {
    warmUp();
    Snapshot before = snapshot();
    Downstream.Stats statsBefore = downstream.stats();
    assertThat(post("/admin/downstream", "{\"slowRate\":0.5,\"slowMs\":200}").statusCode())
        .isEqualTo(200);
    long start = System.nanoTime();
    ChaosLoad load = load(6, Duration.ofMillis(10), i -> "/quotes/B" + i);
    try {
      await().atMost(PATIENCE).until(() -> load.answeredSince(start) >= 150);
    } finally {
      load.close();
    }
    List<ChaosLoad.Call> calls = load.calls();
    Downstream.Stats statsAfter = downstream.stats();

    assertThat(calls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(200));
    assertThat(transitionsOf("quotes")).as("transitions of quotes").isEmpty();
    long slowCalls = calls.stream().filter(c -> c.latencyMillis() >= 200).count();
    assertThat((double) slowCalls / calls.size()).as("share of slow calls").isLessThan(0.6);
    long requests = statsAfter.of("quotes") - statsBefore.of("quotes");
    double slowRequests = statsAfter.slowRequests() - statsBefore.slowRequests();
    assertThat(slowRequests / requests).as("share of slow requests").isBetween(0.35, 0.65);
    // 10% extra load, and the budget's burst.
    assertThat(requests).isLessThanOrEqualTo(Math.round(calls.size() * 1.10) + 50);
    assertNothingLeftBehind(before);

    report(
        "brownout",
        String.format(
            "%d calls, %s errors, no breaker transition; %s of calls slower than 200 ms (%s of"
                + " downstream requests slowed), p50 %d ms, p99 %d ms; %.2f requests per call",
            calls.size(),
            pct(calls.stream().filter(c -> c.status() != 200).count(), calls.size()),
            pct(slowCalls, calls.size()),
            pct((long) slowRequests, requests),
            quantile(calls, 0.50),
            quantile(calls, 0.99),
            (double) requests / calls.size()));
  }

  /**
   * The downstream alternates 1.5 s healthy and 1.5 s failing (503 at once). The breaker follows
   * it: it opens in every failing phase (its 2 s window is then mostly failures) and closes again
   * in every healthy phase (its cooldown never grows past 1 s), so no healthy phase is lost whole;
   * once the flapping stops the service is back within a few seconds.
   */
  @Test
  void aFlappingDownstreamIsFollowedAndNoHealthyPhaseIsLostWhole() {
    warmUp();
    Snapshot before = snapshot();
    long phaseNanos = Duration.ofMillis(1500).toNanos();
    long flapAt;
    long stopAt;
    ChaosLoad load = load(4, Duration.ofMillis(20), i -> "/quotes/F" + i);
    try {
      await().atMost(PATIENCE).until(() -> load.answeredSince(Long.MIN_VALUE) >= 20);
      assertThat(post("/admin/downstream", "{\"flapMs\":1500}").statusCode()).isEqualTo(200);
      flapAt = downstream.flapStartNanos();
      // Five phases: healthy, failing, healthy, failing, healthy; then into the sixth (failing).
      await().atMost(PATIENCE).until(() -> load.answeredSince(flapAt + 5 * phaseNanos) >= 1);
      stopAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"flapMs\":0}").statusCode()).isEqualTo(200);
      awaitRecovered(load, stopAt, () -> true);
    } finally {
      load.close();
    }
    List<ChaosLoad.Call> calls = load.calls();

    assertNo500(calls);
    assertThat(calls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 502, 503));
    List<Transition> quotes =
        transitionsOf("quotes").stream()
            .filter(t -> t.atNanos() >= flapAt && t.atNanos() < stopAt)
            .toList();
    List<String> phases = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      long from = flapAt + k * phaseNanos;
      long to = from + phaseNanos;
      List<ChaosLoad.Call> in = filter(calls, c -> c.startedIn(from, to));
      long ok = count(in, 200);
      boolean healthy = k % 2 == 0;
      phases.add((healthy ? "healthy " : "failing ") + pct(ok, in.size()) + " ok");
      String why = "phase " + k + ": " + phases + ", transitions " + quotes + summary(in);
      if (healthy) {
        assertThat(ok).as("successes in " + why).isPositive();
      }
      if (k > 0) {
        CircuitState into = healthy ? CircuitState.CLOSED : CircuitState.OPEN;
        assertThat(quotes)
            .as("the breaker going %s in %s", into, why)
            .anyMatch(t -> t.to() == into && t.atNanos() >= from && t.atNanos() < to);
      }
    }
    assertRetryAfterOnEvery503(calls);
    long timeToRecover = recoveredAt(calls, stopAt) - stopAt;
    assertThat(Duration.ofNanos(timeToRecover)).isLessThan(Duration.ofSeconds(5));
    assertNothingLeftBehind(before);

    List<ChaosLoad.Call> flapping =
        filter(calls, c -> c.startedIn(flapAt, flapAt + 5 * phaseNanos));
    report(
        "flapping downstream",
        String.format(
            "%d calls in 5 phases of 1.5 s, %s errors (%s); breaker opened %d times and closed %d"
                + " times; time to recover after the flapping stopped %.2f s",
            flapping.size(),
            pct(flapping.stream().filter(c -> c.status() != 200).count(), flapping.size()),
            String.join(", ", phases),
            quotes.stream().filter(t -> t.to() == CircuitState.OPEN).count(),
            quotes.stream().filter(t -> t.to() == CircuitState.CLOSED).count(),
            seconds(timeToRecover)));
  }

  /**
   * 15% of the downstream's connections end without an answer and 15% of its answers are bytes that
   * are not JSON. Hedges and retries absorb nearly all of it: at least 90% of calls succeed, the
   * rest are 502 (never a 500, never the garbage passed on), and the breaker, which sees about 30%
   * failures, stays closed.
   */
  @Test
  void connectionResetsAndGarbageAnswersAreAbsorbedAndNeverPassedOn() {
    warmUp();
    Snapshot before = snapshot();
    Downstream.Stats statsBefore = downstream.stats();
    assertThat(post("/admin/downstream", "{\"resetRate\":0.15,\"garbageRate\":0.15}").statusCode())
        .isEqualTo(200);
    long start = System.nanoTime();
    ChaosLoad load = load(4, Duration.ofMillis(20), i -> "/quotes/R" + i);
    try {
      await().atMost(PATIENCE).until(() -> load.answeredSince(start) >= 200);
    } finally {
      load.close();
    }
    List<ChaosLoad.Call> calls = load.calls();
    Downstream.Stats statsAfter = downstream.stats();

    assertNo500(calls);
    assertThat(calls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 502));
    long ok = count(calls, 200);
    assertThat((double) ok / calls.size()).as(summary(calls)).isGreaterThanOrEqualTo(0.90);
    assertThat(filter(calls, c -> c.status() == 200))
        .allSatisfy(
            c ->
                assertThat(JsonPath.<String>read(c.body(), "$.symbol"))
                    .as(c.toString())
                    .isEqualTo(c.path().substring("/quotes/".length())));
    assertThat(transitionsOf("quotes")).as("transitions of quotes").isEmpty();
    long resets = statsAfter.resets() - statsBefore.resets();
    long garbage = statsAfter.garbage() - statsBefore.garbage();
    assertThat(resets).isPositive();
    assertThat(garbage).isPositive();

    // When every attempt fails so, the answer is a 502 (or a 503 once the breaker opens).
    for (String fault :
        List.of("{\"resetRate\":1,\"garbageRate\":0}", "{\"resetRate\":0,\"garbageRate\":1}")) {
      assertThat(post("/admin/downstream", fault).statusCode()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = get("/quotes/ALL" + i);
        assertThat(r.statusCode()).as(fault + ": " + r.body()).isIn(502, 503);
      }
    }
    assertNothingLeftBehind(before);

    long requests = statsAfter.of("quotes") - statsBefore.of("quotes");
    report(
        "connection resets and garbage",
        String.format(
            "%d calls, %s errors (all 502), no breaker transition; %d downstream requests (%.2f per"
                + " call), %d reset, %d garbage",
            calls.size(),
            pct(calls.size() - ok, calls.size()),
            requests,
            (double) requests / calls.size(),
            resets,
            garbage));
  }

  static long quantile(List<ChaosLoad.Call> calls, double q) {
    long[] sorted = calls.stream().mapToLong(ChaosLoad.Call::latencyMillis).sorted().toArray();
    return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(q * sorted.length) - 1];
  }
}
