package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.http.FakeHttp.Response;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The blocking path of {@link HttpClientGuard} without hedging: routing and URI rewriting, per-host
 * breakers (isolation, skipping open ones, the max-hosts bound), retries (idempotent methods only,
 * Retry-After, the last response returned), the rate limit's key, and events. Time is a {@link
 * FakeClock}: the retrier's sleeps advance it.
 */
class HttpClientGuardTest {

  final FakeClock clock = new FakeClock();
  final FakeHttp.Responses responses = new FakeHttp.Responses();
  final List<HttpClientEvent.AttemptFinished> events = new CopyOnWriteArrayList<>();
  ResilienceRuntime rt;

  @AfterEach
  void close() {
    HttpGuards.close(rt);
  }

  static final String BREAKERS =
      """
      resilience:
        circuit-breaker:
          instances:
            hosts: { consecutive-failures-threshold: 1, open-cooldown: 30s }
        retry:
          policies:
            quick: { max-attempts: 3, base-delay: 10ms, max-delay: 5s, jitter: none, budget: off }
        rate-limiter:
          instances:
            tenants: { capacity: 1, window: 60s }
      """;

  HttpClientGuard client(String clientYaml) {
    rt = HttpGuards.runtime(BREAKERS + "  http-clients:\n" + clientYaml, clock);
    return HttpGuards.inventory(rt, events);
  }

  static final String TWO =
      """
          inventory:
            endpoints: [ "http://a:8081/api", "http://b:8082" ]
            circuit-breaker: hosts
      """;

  @Test
  void orderedRoutingSendsToTheFirstEndpointWithItsBasePath() throws IOException {
    HttpClientGuard g = client(TWO);
    Response r =
        g.execute(
            FakeHttp.get("http://ignored:1/items/7?x=1"), a -> Response.of(200, a), responses);
    assertThat(r.from).isEqualTo(URI.create("http://a:8081/api/items/7?x=1"));
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.name()).isEqualTo("inventory");
              assertThat(e.host()).isEqualTo("a:8081");
              assertThat(e.method()).isEqualTo("GET");
              assertThat(e.status()).isEqualTo(200);
              assertThat(e.outcome()).isEqualTo(HttpClientEvent.Outcome.SUCCESS);
              assertThat(e.attempt()).isZero();
              assertThat(e.hedge()).isFalse();
            });
  }

  /**
   * A RestClient or WebClient built by the starter has the first endpoint's URL as its base URL, so
   * its requests name that endpoint's base path: each endpoint gets its own base path once.
   */
  @Test
  void aRequestUnderAnEndpointsBasePathIsSentUnderEachEndpointsOwn() throws IOException {
    HttpClientGuard g = client(TWO);
    Response r =
        g.execute(
            FakeHttp.get("http://A:8081/api/items/7?x=1#f"), a -> Response.of(200, a), responses);
    assertThat(r.from).isEqualTo(URI.create("http://a:8081/api/items/7?x=1#f"));
    // The first endpoint fails once: its breaker opens and the request goes to the second.
    assertThatThrownBy(
            () ->
                g.execute(
                    FakeHttp.get("http://a:8081/api/items"),
                    a -> {
                      throw new IOException("refused");
                    },
                    responses))
        .isInstanceOf(IOException.class);
    Response second =
        g.execute(FakeHttp.get("http://a:8081/api"), a -> Response.of(200, a), responses);
    assertThat(second.from).isEqualTo(URI.create("http://b:8082"));
    // A path that only starts like the base path is no path under it.
    Response apix =
        g.execute(FakeHttp.get("http://a:8081/apix/1"), a -> Response.of(200, a), responses);
    assertThat(apix.from).isEqualTo(URI.create("http://b:8082/apix/1"));
  }

  @Test
  void withoutEndpointsTheRequestGoesToItsOwnUri() throws IOException {
    HttpClientGuard g = client("    inventory: { circuit-breaker: hosts }\n");
    Response r =
        g.execute(FakeHttp.get("https://c.example/x"), a -> Response.of(200, a), responses);
    assertThat(r.from).isEqualTo(URI.create("https://c.example/x"));
    assertThat(g.hostBreakers()).containsOnlyKeys("c.example:443");
    assertThat(rt.circuitBreakers().find("http:inventory:c.example:443")).isPresent();
  }

  @Test
  void anEndpointWhoseBreakerIsOpenIsSkippedAndTheOtherHostIsUntouched() throws IOException {
    HttpClientGuard g = client(TWO);
    Response failed = g.execute(FakeHttp.get("/x"), a -> Response.of(503, a), responses);
    assertThat(failed.status).isEqualTo(503);
    assertThat(g.hostBreakers().get("a:8081").state()).isEqualTo(CircuitState.OPEN);
    assertThat(g.hostBreakers().get("b:8082").state()).isEqualTo(CircuitState.CLOSED);

    Response next = g.execute(FakeHttp.get("/x"), a -> Response.of(200, a), responses);
    assertThat(next.from.getHost()).isEqualTo("b");
    assertThat(g.hostBreakers().get("b:8082").state()).isEqualTo(CircuitState.CLOSED);
    assertThat(HttpGuards.hostsAndOutcomes(events))
        .containsExactly(
            HttpGuards.attempt("a:8081", HttpClientEvent.Outcome.FAILURE),
            HttpGuards.attempt("b:8082", HttpClientEvent.Outcome.SUCCESS));
  }

  @Test
  void anIoExceptionCountsAgainstTheHostOnly() {
    HttpClientGuard g = client(TWO);
    assertThatThrownBy(
            () ->
                g.execute(
                    FakeHttp.get("/x"),
                    a -> {
                      throw new IOException("connection refused");
                    },
                    responses))
        .isInstanceOf(IOException.class)
        .hasMessage("connection refused");
    assertThat(g.hostBreakers().get("a:8081").state()).isEqualTo(CircuitState.OPEN);
    assertThat(g.hostBreakers().get("b:8082").state()).isEqualTo(CircuitState.CLOSED);
    assertThat(events)
        .singleElement()
        .extracting(HttpClientEvent.AttemptFinished::status)
        .isEqualTo(-1);
  }

  @Test
  void whenEveryBreakerIsOpenTheAttemptIsRejectedAtEachHost() throws IOException {
    HttpClientGuard g = client(TWO);
    g.hostBreakers().values().forEach(b -> b.forceOpen());
    List<URI> sent = new ArrayList<>();
    assertThatThrownBy(
            () ->
                g.execute(
                    FakeHttp.get("/x"),
                    a -> {
                      sent.add(a.target());
                      return Response.of(200, a);
                    },
                    responses))
        .isInstanceOf(CircuitRejectedException.class);
    assertThat(sent).isEmpty();
    assertThat(HttpGuards.hostsAndOutcomes(events))
        .containsExactly(
            HttpGuards.attempt("a:8081", HttpClientEvent.Outcome.REJECTED),
            HttpGuards.attempt("b:8082", HttpClientEvent.Outcome.REJECTED));
  }

  @Test
  void hostsBeyondMaxHostsShareOneBreakerAndTheTagOther() throws IOException {
    HttpClientGuard g = client("    inventory: { circuit-breaker: hosts, max-hosts: 2 }\n");
    for (String host : List.of("http://h1", "http://h2", "http://h3", "http://h4")) {
      g.execute(FakeHttp.get(host + "/x"), a -> Response.of(200, a), responses);
    }
    assertThat(g.hostBreakers()).containsOnlyKeys("h1:80", "h2:80", "other");
    assertThat(events)
        .extracting(HttpClientEvent.AttemptFinished::host)
        .containsExactly("h1:80", "h2:80", "other", "other");
    assertThat(g.hostTag(URI.create("http://h1/y"))).isEqualTo("h1:80");
    assertThat(g.hostTag(URI.create("http://h9/y"))).isEqualTo("other");
    assertThat(rt.circuitBreakers().names())
        .filteredOn(n -> n.startsWith("http:"))
        .containsExactlyInAnyOrder(
            "http:inventory:h1:80", "http:inventory:h2:80", "http:inventory:other");
  }

  // ---------------------------------------------------------------------------------------------
  // Retry

  static final String RETRIED =
      """
          inventory:
            endpoints: [ "http://a:8081" ]
            retry: quick
      """;

  @Test
  void anIdempotentRequestIsRetriedAndTheLastResponseReturnedWhenTriesRunOut() throws IOException {
    HttpClientGuard g = client(RETRIED);
    List<Response> sent = new ArrayList<>();
    Response last =
        g.execute(
            FakeHttp.get("/x"),
            a -> {
              assertThat(a.retry()).isEqualTo(sent.size());
              Response r = Response.of(503, a);
              sent.add(r);
              return r;
            },
            responses);
    assertThat(sent).hasSize(3);
    assertThat(last).isSameAs(sent.get(2));
    assertThat(last.discards).hasValue(0);
    assertThat(responses.discarded).containsExactly(sent.get(0), sent.get(1));
  }

  @Test
  void aRetryableStatusThenSuccessReturnsTheSuccess() throws IOException {
    HttpClientGuard g = client(RETRIED);
    int[] n = {0};
    Response r =
        g.execute(FakeHttp.get("/x"), a -> Response.of(n[0]++ == 0 ? 502 : 200, a), responses);
    assertThat(r.status).isEqualTo(200);
    assertThat(responses.discarded).hasSize(1);
    assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void aNonIdempotentRequestIsNotRetried() throws IOException {
    HttpClientGuard g = client(RETRIED);
    int[] n = {0};
    Response r =
        g.execute(
            HttpCall.of("post", URI.create("/orders")),
            a -> {
              n[0]++;
              return Response.of(503, a);
            },
            responses);
    assertThat(n[0]).isEqualTo(1);
    assertThat(r.status).isEqualTo(503);
    assertThat(responses.discarded).isEmpty();
  }

  @Test
  void retryMethodsCanAllowPost() throws IOException {
    HttpClientGuard g = client(RETRIED + "      retry-methods: [POST]\n");
    int[] n = {0};
    g.execute(
        HttpCall.of("POST", URI.create("/o")),
        a -> Response.of(n[0]++ < 1 ? 503 : 201, a),
        responses);
    assertThat(n[0]).isEqualTo(2);
  }

  @Test
  void retryAfterIsHonoured() throws IOException {
    HttpClientGuard g = client(RETRIED);
    List<Duration> at = new ArrayList<>();
    Response r =
        g.execute(
            FakeHttp.get("/x"),
            a -> {
              at.add(clock.elapsed());
              return at.size() == 1
                  ? new Response(429, a.target(), Map.of("Retry-After", "2"))
                  : Response.of(200, a);
            },
            responses);
    assertThat(r.status).isEqualTo(200);
    assertThat(at).containsExactly(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Test
  void aRetryAfterDateIsReadAgainstTheClock() throws IOException {
    HttpClientGuard g = client(RETRIED);
    List<Duration> at = new ArrayList<>();
    String in3s = "Thu, 01 Jan 2026 00:00:03 GMT"; // FakeClock's wall time starts at 2026-01-01
    g.execute(
        FakeHttp.get("/x"),
        a -> {
          at.add(clock.elapsed());
          return at.size() == 1
              ? new Response(503, a.target(), Map.of("Retry-After", in3s))
              : Response.of(200, a);
        },
        responses);
    assertThat(at).containsExactly(Duration.ZERO, Duration.ofSeconds(3));
  }

  @Test
  void anIoExceptionIsRetriedAndTheLastOneThrown() {
    HttpClientGuard g = client(RETRIED);
    int[] n = {0};
    assertThatThrownBy(
            () ->
                g.execute(
                    FakeHttp.get("/x"),
                    a -> {
                      throw new IOException("reset " + n[0]++);
                    },
                    responses))
        .isInstanceOf(IOException.class)
        .hasMessage("reset 2");
  }

  @Test
  void aResponseRetriedAndThenAnIoExceptionLeavesNothingUndiscarded() {
    HttpClientGuard g = client(RETRIED);
    List<Response> sent = new ArrayList<>();
    assertThatThrownBy(
            () ->
                g.execute(
                    FakeHttp.get("/x"),
                    a -> {
                      if (sent.size() == 2) {
                        throw new IOException("reset");
                      }
                      Response r = Response.of(500, a);
                      sent.add(r);
                      return r;
                    },
                    responses))
        .isInstanceOf(IOException.class);
    assertThat(responses.discarded).containsExactlyElementsOf(sent);
  }

  // ---------------------------------------------------------------------------------------------
  // Rate limit

  @Test
  void theRateLimitKeyComesFromTheHeader() throws IOException {
    HttpClientGuard g =
        client(
            """
                inventory:
                  rate-limiter: tenants
                  rate-limit-key-header: X-Tenant
            """);
    HttpCall a =
        new HttpCall("GET", URI.create("http://s/x"), h -> h.equals("X-Tenant") ? "a" : null);
    HttpCall b =
        new HttpCall("GET", URI.create("http://s/x"), h -> h.equals("X-Tenant") ? "b" : null);
    int[] sent = {0};
    HttpExchange<Response> ex =
        at -> {
          sent[0]++;
          return Response.of(200, at);
        };
    g.execute(a, ex, responses);
    g.execute(b, ex, responses);
    assertThatThrownBy(() -> g.execute(a, ex, responses))
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(sent[0]).isEqualTo(2);
    // Without the header, the key is the client's name.
    g.execute(FakeHttp.get("http://s/x"), ex, responses);
    assertThatThrownBy(() -> g.execute(FakeHttp.get("http://s/x"), ex, responses))
        .isInstanceOf(RateLimitExceededException.class);
  }

  @Test
  void aClosedClientRefusesRequests() {
    HttpClientGuard g = client(TWO);
    rt.close();
    assertThat(g.isClosed()).isTrue();
    assertThatThrownBy(() -> g.execute(FakeHttp.get("/x"), a -> Response.of(200, a), responses))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("http client 'inventory' is closed");
    rt = null;
  }
}
