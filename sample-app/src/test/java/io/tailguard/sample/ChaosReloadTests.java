package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.tailguard.core.circuitbreaker.CircuitState;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The configuration reloaded through {@code POST /actuator/resilience} while load runs. */
class ChaosReloadTests extends ChaosTestSupport {

  static final String KEY = "reload-client";
  static final int RELOADS = 6;

  /**
   * Six reloads, each changing the breakers' default failure-rate threshold (which {@code db}
   * uses), the {@code quotes} breaker's slow-call rate threshold and the {@code quotes} hedger's
   * budget, while quotes and orders are under load and {@code db} is down. Every reload is applied,
   * no call answers 500 and no quote fails, and the breakers keep their state: {@code db} stays
   * open (or half-open on its trials) through every reload, never closed while its dependency is
   * down, and {@code quotes} keeps the calls of its window.
   */
  @Test
  void aConfigReloadUnderLoadAnswersNo500AndKeepsBreakerState() {
    warmUp();
    Snapshot before = snapshot();
    long downAt;
    Transition dbOpened;
    long reloadStart;
    long reloadEnd;
    long quotesWindowBefore;
    long quotesWindowAfter;
    List<String> changes = new ArrayList<>();
    List<CircuitState> dbStates = new ArrayList<>();
    ChaosLoad quotes = load(3, Duration.ofMillis(20), i -> "/quotes/L" + i);
    ChaosLoad orders = load(1, Duration.ofMillis(20), i -> "/orders/" + i, KEY);
    try {
      await().atMost(PATIENCE).until(() -> quotes.answeredSince(Long.MIN_VALUE) >= 30);
      downAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"down\":[\"db\"]}").statusCode()).isEqualTo(200);
      dbOpened = awaitTransition("db", CircuitState.OPEN, downAt, orders);
      quotesWindowBefore = windowCalls("quotes");
      reloadStart = System.nanoTime();
      for (int i = 0; i < RELOADS; i++) {
        boolean odd = i % 2 == 0;
        String yaml =
            edited(
                Map.of(
                    "resilience.circuit-breaker.defaults.failure-rate-threshold", odd ? 0.55 : 0.5,
                    "resilience.circuit-breaker.instances.quotes.slow-call-rate-threshold",
                        odd ? 0.85 : 0.8,
                    "resilience.hedge.instances.quotes.budget.max-extra-load", odd ? 0.11 : 0.10));
        HttpResponse<String> r =
            post("/actuator/resilience", new JsonMapper().writeValueAsString(Map.of("yaml", yaml)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JsonPath.<Boolean>read(r.body(), "$.applied")).as(r.body()).isTrue();
        List<String> applied = JsonPath.read(r.body(), "$.changes");
        assertThat(applied).as(r.body()).isNotEmpty();
        changes.addAll(applied);
        dbStates.add(breakers.breaker("db").state());
      }
      reloadEnd = System.nanoTime();
      quotesWindowAfter = windowCalls("quotes");
      // Load goes on for a while after the last reload.
      await().atMost(PATIENCE).until(() -> quotes.answeredSince(reloadEnd) >= 30);
    } finally {
      quotes.close();
      orders.close();
      post("/admin/downstream", "{\"down\":[]}");
    }
    List<ChaosLoad.Call> quoteCalls = quotes.calls();
    List<ChaosLoad.Call> orderCalls = orders.calls();

    assertThat(quoteCalls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(200));
    assertNo500(orderCalls);
    assertThat(orderCalls)
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 502, 503));
    assertThat(dbStates).doesNotContain(CircuitState.CLOSED);
    assertThat(
            transitionsOf("db").stream()
                .filter(t -> t.atNanos() >= dbOpened.atNanos() && t.atNanos() <= reloadEnd)
                .toList())
        .as("db's transitions while it is down")
        .allSatisfy(
            t ->
                assertThat(t.to())
                    .as(t.toString())
                    .isIn(CircuitState.OPEN, CircuitState.HALF_OPEN));
    assertThat(
            transitionsOf("quotes").stream()
                .filter(t -> t.atNanos() >= reloadStart && t.atNanos() <= reloadEnd)
                .toList())
        .as("quotes' transitions during the reloads")
        .isEmpty();
    // The 2 s window rolls on, but a reset would have emptied it.
    assertThat(quotesWindowAfter)
        .as("calls in the quotes window before the reloads: %d", quotesWindowBefore)
        .isGreaterThanOrEqualTo(quotesWindowBefore / 2);
    // The last reload (odd, the sixth) put the defaults back; the fifth's values were in force.
    assertThat(breakers.breaker("db").config().failureRateThreshold()).isEqualTo(0.5);
    assertThat(changes).anyMatch(c -> c.contains("failure-rate-threshold"));
    assertThat(changes).anyMatch(c -> c.contains("max-extra-load"));
    assertNothingLeftBehind(before);

    report(
        "config reload under load",
        String.format(
            "%d reloads in %.2f s, each applied; %d quote calls (all 200) and %d order calls (%d x"
                + " 502, %d x 503, no 500); db stayed %s, quotes' window %d calls before and %d"
                + " after",
            RELOADS,
            seconds(reloadEnd - reloadStart),
            quoteCalls.size(),
            orderCalls.size(),
            count(orderCalls, 502),
            count(orderCalls, 503),
            dbStates,
            quotesWindowBefore,
            quotesWindowAfter));
  }

  /**
   * The {@code quotes} breaker is open (its downstream is down) when a reload drops its own
   * settings, and another puts them back. The breaker falls back to the defaults and back, and
   * keeps its state through both: it is neither closed nor replaced by a fresh one (its lifetime
   * totals only grow), so the calls go on being refused at once rather than reaching the failing
   * downstream; once the downstream is back it closes as usual.
   */
  @Test
  void aReloadThatDropsABreakersOwnSettingsKeepsItsState() {
    warmUp();
    Snapshot before = snapshot();
    String withSettings = runtime.exportYaml();
    String withoutSettings = without("resilience.circuit-breaker.instances.quotes");
    long downAt;
    long upAt;
    Transition closed;
    List<CircuitState> states = new ArrayList<>();
    List<Long> totals = new ArrayList<>();
    ChaosLoad load = load(3, Duration.ofMillis(20), i -> "/quotes/D" + i);
    try {
      await().atMost(PATIENCE).until(() -> load.answeredSince(Long.MIN_VALUE) >= 20);
      downAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"down\":[\"quotes\"]}").statusCode()).isEqualTo(200);
      awaitTransition("quotes", CircuitState.OPEN, downAt, load);
      totals.add(failedAndRejected());
      for (String yaml : List.of(withoutSettings, withSettings)) {
        boolean dropped = yaml.equals(withoutSettings);
        // Whole documents: "replace" drops what they leave out (a plain POST merges).
        HttpResponse<String> r =
            post(
                "/actuator/resilience",
                new JsonMapper().writeValueAsString(Map.of("yaml", yaml, "mode", "replace")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JsonPath.<Boolean>read(r.body(), "$.applied")).as(r.body()).isTrue();
        states.add(breakers.breaker("quotes").state());
        totals.add(failedAndRejected());
        if (dropped) {
          assertThat(breakers.breaker("quotes").config().slowCallDuration())
              .as("the defaults in force")
              .isEqualTo(breakers.defaults().slowCallDuration());
        }
      }
      assertThat(breakers.breaker("quotes").config().slowCallDuration())
          .as("its own settings back")
          .isEqualTo(Duration.ofSeconds(2));
      upAt = System.nanoTime();
      assertThat(post("/admin/downstream", "{\"down\":[]}").statusCode()).isEqualTo(200);
      closed = awaitTransition("quotes", CircuitState.CLOSED, upAt, load);
      await().atMost(PATIENCE).until(() -> load.answeredSince(closed.atNanos()) >= 20);
    } finally {
      load.close();
      post("/admin/downstream", "{\"down\":[]}");
    }
    List<ChaosLoad.Call> calls = load.calls();

    assertNo500(calls);
    assertThat(calls).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(200, 502, 503));
    assertThat(states).as("states after the reloads").doesNotContain(CircuitState.CLOSED);
    assertThat(totals).as("failed and rejected calls, before and after each reload").isSorted();
    assertThat(
            transitionsOf("quotes").stream()
                .filter(t -> t.atNanos() >= downAt && t.atNanos() < upAt)
                .toList())
        .as("quotes' transitions while its downstream is down")
        .allSatisfy(
            t ->
                assertThat(t.to())
                    .as(t.toString())
                    .isIn(CircuitState.OPEN, CircuitState.HALF_OPEN));
    assertThat(filter(calls, c -> c.startNanos() >= closed.atNanos()))
        .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(200));
    assertNothingLeftBehind(before);

    report(
        "config reload dropping a breaker's own settings",
        String.format(
            "quotes stayed %s through both reloads, failed + rejected calls %s; closed %.2f s after"
                + " its downstream was back",
            states, totals, seconds(closed.atNanos() - upAt)));
  }

  long failedAndRejected() {
    @SuppressWarnings("unchecked")
    Map<String, Object> t =
        (Map<String, Object>) breakers.breaker("quotes").describe().get("totals");
    return ((Number) t.get("failed")).longValue() + ((Number) t.get("rejected")).longValue();
  }

  /** The configuration in force as YAML, without the entry at this dotted path. */
  @SuppressWarnings("unchecked")
  String without(String path) {
    YAMLMapper yaml = new YAMLMapper();
    Map<String, Object> tree = yaml.readValue(runtime.exportYaml(), LinkedHashMap.class);
    String[] keys = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < keys.length - 1; i++) {
      node = (Map<String, Object>) node.get(keys[i]);
    }
    assertThat(node.remove(keys[keys.length - 1])).as(path).isNotNull();
    return yaml.writeValueAsString(tree);
  }

  long windowCalls(String breaker) {
    return ((Number) breakers.breaker(breaker).describe().get("windowCalls")).longValue();
  }

  /** The configuration in force as YAML, with these dotted paths set. */
  String edited(Map<String, Object> values) {
    YAMLMapper yaml = new YAMLMapper();
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = yaml.readValue(runtime.exportYaml(), LinkedHashMap.class);
    values.forEach((path, value) -> set(tree, path, value));
    return yaml.writeValueAsString(tree);
  }

  @SuppressWarnings("unchecked")
  static void set(Map<String, Object> tree, String path, Object value) {
    String[] keys = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < keys.length - 1; i++) {
      Object child = node.get(keys[i]);
      if (!(child instanceof Map)) {
        throw new IllegalStateException(
            "no '"
                + keys[i]
                + "' in the exported configuration on the way to "
                + path
                + ": "
                + node.keySet());
      }
      node = (Map<String, Object>) child;
    }
    if (!node.containsKey(keys[keys.length - 1])) {
      throw new IllegalStateException(
          "no " + path + " in the exported configuration: " + node.keySet());
    }
    node.put(keys[keys.length - 1], value);
  }
}
