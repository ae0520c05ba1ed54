package io.tailguard.benchmarks.http;

import com.sun.net.httpserver.HttpServer;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.spring.http.ResilienceClientHttpRequestInterceptor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The cost Tailguard's {@code RestClient} interceptor adds to one GET, over two transports ({@link
 * #transport}):
 *
 * <ul>
 *   <li>{@code loopback}: a local JDK {@code HttpServer} on 127.0.0.1 answers a small body at once,
 *       and every client uses the same JDK {@code HttpClient} request factory; a real call, whose
 *       time on a busy machine spreads by hundreds of microseconds;
 *   <li>{@code in-memory}: a request factory that answers at once without a network ({@link
 *       InMemoryRequestFactory}), so the difference between the clients is the interceptor's cost
 *       alone.
 * </ul>
 *
 * <p>The same request is sent through a plain {@code RestClient} and through clients configured
 * under {@code resilience.http-clients.*}, all on the same request factory:
 *
 * <ul>
 *   <li>{@code plain}: {@code RestClient} with the transport's request factory; the floor.
 *   <li>{@code guarded}: the same with the starter's {@link ResilienceClientHttpRequestInterceptor}
 *       of a client with the usual settings: the server as its one endpoint, a per-host breaker
 *       ({@code circuit-breaker: default}) and retries ({@code retry: default}), no hedging.
 *   <li>{@code guardedHedged}: the same client with hedging on too ({@code hedge: bench}, a fixed
 *       delay of 1 s): the server answers long before the hedge is due, so this is the cost of the
 *       hedging machinery on a call that needs no hedge (the attempt runs on the hedger's executor
 *       while the caller waits, the hedge timer is armed and cancelled). Not the default ADAPTIVE
 *       delay: on a loaded machine it sends hedges for the slowest calls, which would measure extra
 *       requests rather than overhead, and on JDK 17 a cancelled loser's exchange now and then
 *       breaks the winner's connection (see docs/http-clients.md), which fails the iteration.
 * </ul>
 *
 * <p>The clients' engines come from a {@link ResilienceRuntime} built from YAML, as the starter
 * builds them; no Spring context is started. One thread: the score is the latency of one request,
 * so the difference of two scores is the overhead per request. The server answers on its dispatcher
 * thread, so server and client share the machine's CPUs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class HttpClientOverhead {

  /** The answer's body: a small JSON object, as a service would answer. */
  static final byte[] BODY =
      "{\"sku\":\"SKU-7\",\"name\":\"Item SKU-7\",\"price\":12.5}".getBytes(StandardCharsets.UTF_8);

  /** {@code loopback} (a JDK HttpServer, the JDK request factory) or {@code in-memory}. */
  @Param({"loopback", "in-memory"})
  public String transport;

  private HttpServer server;
  private HttpClient http;
  private RestClient plain;
  private RestClient guarded;
  private RestClient guardedHedged;
  private ResilienceRuntime runtime;

  /**
   * Starts the server and builds the clients, checking that each one answers.
   *
   * @throws IOException if the server cannot bind a port
   */
  @Setup
  public void setUp() throws IOException {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // holds the body until the client's delayed ACK (40 ms on Linux).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/items/",
        exchange -> {
          try (exchange;
              OutputStream out = exchange.getResponseBody()) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, BODY.length);
            out.write(BODY);
          }
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ClientHttpRequestFactory requests =
        transport.equals("loopback")
            ? new JdkClientHttpRequestFactory(http)
            : new InMemoryRequestFactory(BODY);
    plain = RestClient.builder().baseUrl(base).requestFactory(requests).build();
    runtime =
        ResilienceRuntime.builder()
            .config(
                YamlConfigLoader.loadString(
                    String.join(
                        "\n",
                        "resilience:",
                        "  hedge:",
                        "    instances:",
                        "      bench: { delay: { strategy: fixed, delay: 1s } }",
                        "  http-clients:",
                        "    guarded:",
                        "      endpoints: [{ url: '" + base + "' }]",
                        "      circuit-breaker: default",
                        "      retry: default",
                        "    hedged:",
                        "      endpoints: [{ url: '" + base + "' }]",
                        "      circuit-breaker: default",
                        "      retry: default",
                        "      hedge: bench")))
            .build();
    guarded = guardedClient(base, requests, "guarded");
    guardedHedged = guardedClient(base, requests, "hedged");
    check(plain().length() == BODY.length, "the plain client's answer");
    check(guarded().length() == BODY.length, "the guarded client's answer");
    check(guardedHedged().length() == BODY.length, "the hedged client's answer");
    check(
        runtime.httpClients().client("guarded").hostBreakers().size() == 1,
        "the guarded client's per-host breaker");
  }

  private RestClient guardedClient(String base, ClientHttpRequestFactory requests, String name) {
    return RestClient.builder()
        .baseUrl(base)
        .requestFactory(requests)
        .requestInterceptor(new ResilienceClientHttpRequestInterceptor(runtime.httpClients(), name))
        .build();
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("unexpected: " + what);
    }
  }

  /** Closes the runtime and stops the server. */
  @TearDown
  public void tearDown() {
    runtime.close();
    server.stop(0);
  }

  @Benchmark
  public String plain() {
    return plain.get().uri("/items/SKU-7").retrieve().body(String.class);
  }

  @Benchmark
  public String guarded() {
    return guarded.get().uri("/items/SKU-7").retrieve().body(String.class);
  }

  @Benchmark
  public String guardedHedged() {
    return guardedHedged.get().uri("/items/SKU-7").retrieve().body(String.class);
  }
}
