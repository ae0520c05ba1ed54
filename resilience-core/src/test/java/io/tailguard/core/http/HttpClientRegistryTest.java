package io.tailguard.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.UnknownInstanceException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.http.FakeHttp.Response;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpClientRegistry} follows {@link ResilienceRuntime#apply}: a client that stays keeps its
 * guard object and its breakers' state, new settings apply to the next request, and a client or
 * host that goes away takes its breakers out of the breaker registry.
 */
class HttpClientRegistryTest {

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
        circuit-breaker:
          instances:
            hosts: { consecutive-failures-threshold: 1, open-cooldown: 30s }
      """;

  ResilienceRuntime runtime(String clients) {
    rt = HttpGuards.runtime(ENGINES + clients, clock);
    return rt;
  }

  List<String> apply(String clients) {
    return rt.apply(YamlConfigLoader.loadString(ENGINES + clients));
  }

  int thresholdOf(String breaker) {
    return rt.circuitBreakers().breaker(breaker).config().consecutiveFailuresThreshold();
  }

  static final String AB =
      """
        http-clients:
          inventory:
            endpoints: [ "http://a:80", "http://b:80" ]
            circuit-breaker: hosts
      """;

  @Test
  void aReloadKeepsTheGuardAndTheOpenBreakerAndRoutesByTheNewSettings() throws IOException {
    runtime(AB);
    HttpClientGuard g = rt.httpClients().client("inventory");
    g.execute(FakeHttp.get("/x"), a -> Response.of(500, a), responses);
    assertThat(g.hostBreakers().get("a:80").state()).isEqualTo(CircuitState.OPEN);

    List<String> changes =
        apply(
            """
              http-clients:
                inventory:
                  endpoints: [ "http://b:80", "http://a:80" ]
                  circuit-breaker: hosts
                  max-hosts: 4
            """);
    assertThat(changes).isNotEmpty();
    assertThat(rt.httpClients().client("inventory")).isSameAs(g);
    assertThat(g.config().maxHosts()).isEqualTo(4);
    assertThat(g.hostBreakers().get("a:80").state()).isEqualTo(CircuitState.OPEN);
    assertThat(thresholdOf("http:inventory:a:80")).isEqualTo(1);
    Response r = g.execute(FakeHttp.get("/x"), a -> Response.of(200, a), responses);
    assertThat(r.from.getHost()).isEqualTo("b");
  }

  /** A retry policy with {@code n} attempts, named {@code name}, and a client retried by it. */
  static String retriedBy(String name, int n) {
    return """
      retry:
        policies:
          %s: { max-attempts: %d, base-delay: 1ms, jitter: none, budget: off }
      http-clients:
        inventory: { retry: %s }
    """
        .formatted(name, n, name);
  }

  int attemptsOfOneRetriedCall(HttpClientGuard g) throws IOException {
    int[] n = {0};
    g.execute(
        FakeHttp.get("http://s/x"),
        a -> {
          n[0]++;
          return Response.of(503, a);
        },
        responses);
    return n[0];
  }

  @Test
  void aReloadThatReconfiguresOrReplacesTheRetryPolicyAppliesToTheNextRequest() throws IOException {
    runtime(retriedBy("first", 3));
    HttpClientGuard g = rt.httpClients().client("inventory");
    assertThat(attemptsOfOneRetriedCall(g)).isEqualTo(3);
    apply(retriedBy("first", 2));
    assertThat(attemptsOfOneRetriedCall(g)).isEqualTo(2);
    // The old policy's settings gone and another policy referenced: the guard follows the
    // reference.
    apply(retriedBy("second", 4));
    assertThat(attemptsOfOneRetriedCall(g)).isEqualTo(4);
  }

  @Test
  void anUnrelatedReloadLeavesThePerHostBreakersAlone() throws IOException {
    runtime(AB);
    HttpClientGuard g = rt.httpClients().client("inventory");
    g.execute(FakeHttp.get("/x"), a -> Response.of(500, a), responses);
    apply(AB + "      retry: default\n");
    assertThat(g.hostBreakers().get("a:80").state()).isEqualTo(CircuitState.OPEN);
    assertThat(g.hostBreakers().get("a:80"))
        .isSameAs(rt.circuitBreakers().breaker("http:inventory:a:80"));
    assertThat(thresholdOf("http:inventory:a:80")).isEqualTo(1);
  }

  @Test
  void aHostThatIsNoLongerAnEndpointLosesItsBreaker() {
    runtime(AB);
    assertThat(rt.circuitBreakers().names()).contains("http:inventory:a:80", "http:inventory:b:80");
    apply(
        """
          http-clients:
            inventory:
              endpoints: [ "http://b:80" ]
              circuit-breaker: hosts
        """);
    assertThat(rt.circuitBreakers().names())
        .contains("http:inventory:b:80")
        .doesNotContain("http:inventory:a:80");
  }

  @Test
  void withoutEndpointsTheHostsSeenSurviveAReload() throws IOException {
    runtime("  http-clients:\n    inventory: { circuit-breaker: hosts }\n");
    HttpClientGuard g = rt.httpClients().client("inventory");
    g.execute(FakeHttp.get("http://seen/x"), a -> Response.of(500, a), responses);
    apply("  http-clients:\n    inventory: { circuit-breaker: hosts, max-hosts: 8 }\n");
    assertThat(g.hostBreakers()).containsOnlyKeys("seen:80");
    assertThat(g.hostBreakers().get("seen:80").state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void aClientWithoutBreakersAnyMoreLosesThemAll() {
    runtime(AB);
    apply(
        """
          http-clients:
            inventory:
              endpoints: [ "http://a:80", "http://b:80" ]
        """);
    assertThat(rt.circuitBreakers().names()).noneMatch(n -> n.startsWith("http:"));
    assertThat(rt.httpClients().client("inventory").hostBreakers()).isEmpty();
  }

  @Test
  void aRemovedClientIsClosedAndForgottenAndANewOneAppears() {
    runtime(AB);
    HttpClientGuard g = rt.httpClients().client("inventory");
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    rt.httpClients().onAdded(c -> added.add(c.name()));
    rt.httpClients().onRemoved(c -> removed.add(c.name()));
    apply(
        """
          http-clients:
            pricing: { endpoints: [ "http://p:80" ] }
        """);
    assertThat(g.isClosed()).isTrue();
    assertThat(removed).containsExactly("inventory");
    assertThat(added).containsExactly("inventory", "pricing");
    assertThat(rt.httpClients().names()).containsExactly("pricing");
    assertThat(rt.circuitBreakers().names()).noneMatch(n -> n.startsWith("http:"));
    assertThatThrownBy(() -> rt.httpClients().client("inventory"))
        .isInstanceOf(UnknownInstanceException.class)
        .hasMessageContaining("inventory")
        .hasMessageContaining("pricing");
  }

  @Test
  void replicasDownDoNotTripTheGlobalFuse() throws IOException {
    runtime(
        """
          http-clients:
            inventory:
              endpoints: [ "http://a:80", "http://b:80", "http://c:80" ]
              circuit-breaker: hosts
        """);
    HttpClientGuard g = rt.httpClients().client("inventory");
    g.execute(FakeHttp.get("/x"), a -> Response.of(500, a), responses);
    g.execute(FakeHttp.get("/x"), a -> Response.of(500, a), responses);
    assertThat(g.hostBreakers().values())
        .extracting(b -> b.state())
        .containsExactly(CircuitState.OPEN, CircuitState.OPEN, CircuitState.CLOSED);
    // Two of three breakers open would open the default fuse (ratio 0.5, at least 3): not these.
    assertThat(rt.circuitBreakers().globalFuse().isOpen()).isFalse();
    Response r = g.execute(FakeHttp.get("/x"), a -> Response.of(200, a), responses);
    assertThat(r.from.getHost()).isEqualTo("c");
    assertThat(HttpClientRegistry.isHostBreaker("http:inventory:c:80")).isTrue();
    assertThat(HttpClientRegistry.isHostBreaker("payments")).isFalse();
  }

  @Test
  void describeShowsSettingsAndHosts() {
    runtime(AB);
    assertThat(rt.describe()).containsKey("httpClients");
    assertThat(rt.httpClients().describe().get("inventory"))
        .containsEntry("name", "inventory")
        .containsEntry("closed", false)
        .containsKey("config");
    assertThat(rt.httpClients().client("inventory").describe().get("hosts"))
        .isEqualTo(java.util.Map.of("a:80", "CLOSED", "b:80", "CLOSED"));
  }

  @Test
  void aRegistryBuiltInCodeRefusesAnUnknownBreaker() {
    runtime("");
    assertThatThrownBy(
            () ->
                HttpClientRegistry.builder()
                    .circuitBreakers(rt.circuitBreakers())
                    .client("x", HttpClientConfig.builder().circuitBreaker("nope").build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("circuit-breaker: unknown circuit breaker 'nope' (known: [default])");
    assertThatThrownBy(
            () ->
                HttpClientRegistry.builder()
                    .client("x", HttpClientConfig.builder().retry("default").build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("http-clients.x.retry: the http client registry has no retry registry");
  }
}
