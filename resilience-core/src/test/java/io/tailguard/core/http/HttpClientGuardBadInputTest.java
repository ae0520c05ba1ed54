package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.http.FakeHttp.Response;
import io.tailguard.core.ratelimiter.InvalidRateLimitKeyException;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to {@link HttpClientGuard} at request time: requests it cannot route, methods that are
 * no method or not the standard one, rate-limit keys the limiter refuses, and response readers that
 * throw. Each is refused with an error naming the part, or handled without leaking a response.
 */
class HttpClientGuardBadInputTest {

  final FakeClock clock = new FakeClock();
  final FakeHttp.Responses responses = new FakeHttp.Responses();
  ResilienceRuntime rt;

  @AfterEach
  void close() {
    HttpGuards.close(rt);
  }

  static final String ENGINES =
      """
      resilience:
        retry:
          policies:
            quick: { max-attempts: 3, base-delay: 10ms, max-delay: 5s, jitter: none, budget: off }
        rate-limiter:
          instances:
            tenants: { capacity: 1, window: 60s }
        http-clients:
      """;

  HttpClientGuard client(String yaml) {
    rt = HttpGuards.runtime(ENGINES + yaml, clock);
    return rt.httpClients().client(HttpGuards.INVENTORY);
  }

  /** Sends every attempt to a fake that answers {@code status}, counting the attempts. */
  static HttpExchange<Response> answering(int status, AtomicInteger sent) {
    return a -> {
      sent.incrementAndGet();
      return Response.of(status, a);
    };
  }

  @Test
  void aMethodThatIsNoTokenIsRefusedNamingTheMethod() {
    URI uri = URI.create("http://s/x");
    assertThatThrownBy(() -> HttpCall.of("GE T", uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "method must be an HTTP method, a token such as GET or PURGE (RFC 9110), was 'GE T'");
    assertThatThrownBy(() -> HttpCall.of("GET\r\n", uri))
        .hasMessageStartingWith("method must be an HTTP method");
    assertThatThrownBy(() -> HttpCall.of("", uri))
        .hasMessage(
            "method must be an HTTP method, a token such as GET or PURGE (RFC 9110), was ''");
  }

  @Test
  void methodsAreCaseSensitiveSoALowerCaseGetIsNotTakenForGet() throws IOException {
    HttpClientGuard g = client("    inventory: { retry: quick }\n");
    HttpCall lower = HttpCall.of("get", URI.create("http://s/x"));
    assertThat(lower.method()).isEqualTo("get");
    AtomicInteger sent = new AtomicInteger();
    assertThat(g.execute(lower, answering(503, sent), responses).status).isEqualTo(503);
    assertThat(sent).hasValue(1);
    g.execute(FakeHttp.get("http://s/x"), answering(503, sent), responses);
    assertThat(sent).hasValue(4);
  }

  @Test
  void patchAndCustomMethodsAreRetriedOnlyWhenConfigured() throws IOException {
    HttpClientGuard g = client("    inventory: { retry: quick, retry-methods: [GET, purge] }\n");
    AtomicInteger sent = new AtomicInteger();
    g.execute(HttpCall.of("PATCH", URI.create("http://s/x")), answering(503, sent), responses);
    assertThat(sent).hasValue(1);
    sent.set(0);
    g.execute(HttpCall.of("PURGE", URI.create("http://s/x")), answering(503, sent), responses);
    assertThat(sent).hasValue(3);
  }

  @Test
  void withoutEndpointsARequestWithoutHostIsRefusedNamingTheUri() throws Exception {
    HttpClientGuard g = client("    inventory: {}\n");
    AtomicInteger sent = new AtomicInteger();
    for (String uri : new String[] {"/relative", "http:///x", "mailto:ops@example.com"}) {
      HttpCall call = HttpCall.of("GET", URI.create(uri));
      assertThatThrownBy(() -> g.execute(call, answering(200, sent), responses))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "uri must be absolute with a host when http client 'inventory' has no endpoints,"
                  + " was '"
                  + uri
                  + "'");
      CompletableFuture<Response> f =
          g.executeAsync(
              call, a -> CompletableFuture.completedFuture(Response.of(200, a)), responses);
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("uri must be absolute with a host");
    }
    assertThat(sent).hasValue(0);
    assertThat(g.hostBreakers()).isEmpty();
  }

  @Test
  void theHostTagOfAUriWithoutHostIsRefusedNamingTheUri() {
    HttpClientGuard g = client("    inventory: {}\n");
    assertThatThrownBy(() -> g.hostTag(URI.create("/relative")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uri must be absolute with a host, was '/relative'");
    assertThatThrownBy(() -> g.hostTag(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri must not be null");
    assertThat(g.hostTag(URI.create("HTTP://Replica/x"))).isEqualTo("replica:80");
  }

  @Test
  void withEndpointsAnOpaqueUriIsRefusedNamingTheUri() throws Exception {
    HttpClientGuard g = client("    inventory: { endpoints: [ \"http://a:8081/api\" ] }\n");
    AtomicInteger sent = new AtomicInteger();
    HttpCall call = HttpCall.of("GET", URI.create("mailto:ops@example.com"));
    assertThatThrownBy(() -> g.execute(call, answering(200, sent), responses))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "uri must be a path or a hierarchical URI such as http://host/path, was"
                + " 'mailto:ops@example.com'");
    CompletableFuture<Response> f =
        g.executeAsync(
            call, a -> CompletableFuture.completedFuture(Response.of(200, a)), responses);
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(sent).hasValue(0);
  }

  @Test
  void aRequestRefusedForItsUriTakesNoRateLimitPermit() throws IOException {
    HttpClientGuard g = client("    inventory: { rate-limiter: tenants }\n");
    AtomicInteger sent = new AtomicInteger();
    assertThatThrownBy(
            () ->
                g.execute(
                    HttpCall.of("GET", URI.create("/relative")), answering(200, sent), responses))
        .isInstanceOf(IllegalArgumentException.class);
    // The limiter's one permit is still there for a request that can be sent.
    g.execute(FakeHttp.get("http://s/x"), answering(200, sent), responses);
    assertThat(sent).hasValue(1);
  }

  @Test
  void endpointsRefuseWeightZero() {
    assertThatThrownBy(() -> HttpEndpoint.of("http://a:8081", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight must be in [1, 1000], was 0");
  }

  @Test
  void anEmptyKeyHeaderCountsAsAbsent() throws IOException {
    HttpClientGuard g =
        client("    inventory: { rate-limiter: tenants, rate-limit-key-header: X-Tenant }\n");
    AtomicInteger sent = new AtomicInteger();
    HttpCall empty = new HttpCall("GET", URI.create("http://s/x"), h -> "");
    g.execute(empty, answering(200, sent), responses);
    // The empty key and a request without the header share the client's key.
    assertThatThrownBy(() -> g.execute(FakeHttp.get("http://s/x"), answering(200, sent), responses))
        .isInstanceOf(RateLimitExceededException.class);
  }

  @Test
  void aKeyHeaderValueTooLongIsRefusedNamingTheHeaderNotTheValue() {
    HttpClientGuard g =
        client("    inventory: { rate-limiter: tenants, rate-limit-key-header: X-Tenant }\n");
    String secret = "k".repeat(300);
    HttpCall call = new HttpCall("GET", URI.create("http://s/x"), h -> secret);
    AtomicInteger sent = new AtomicInteger();
    assertThatThrownBy(() -> g.execute(call, answering(200, sent), responses))
        .isInstanceOf(InvalidRateLimitKeyException.class)
        .hasMessage(
            "rate-limit-key-header X-Tenant of http client 'inventory': key must be at most 256"
                + " characters, was 300 characters")
        .message()
        .doesNotContain(secret);
    assertThat(sent).hasValue(0);
  }

  @Test
  void aStatusReaderThatFailsOnTheRetryCheckLeavesTheResponseDiscardedOnce() throws IOException {
    HttpClientGuard g = client("    inventory: { retry: quick }\n");
    AtomicInteger reads = new AtomicInteger();
    FakeHttp.Responses failing =
        new FakeHttp.Responses() {
          @Override
          public int status(Response response) {
            // The first attempt's second read (the retry's check) fails.
            if (reads.incrementAndGet() == 2) {
              throw new IllegalStateException("status line gone");
            }
            return super.status(response);
          }
        };
    java.util.List<Response> sent = new java.util.ArrayList<>();
    Response returned;
    try {
      returned =
          g.execute(
              FakeHttp.get("http://s/x"),
              a -> {
                Response r = Response.of(200, a);
                sent.add(r);
                return r;
              },
              failing);
    } catch (IllegalStateException e) {
      assertThat(e).hasMessage("status line gone"); // the policy does not retry it: as it is
      returned = null;
    }
    for (Response r : sent) {
      assertThat(r.discards).as(r.toString()).hasValue(r == returned ? 0 : 1);
    }
  }
}
