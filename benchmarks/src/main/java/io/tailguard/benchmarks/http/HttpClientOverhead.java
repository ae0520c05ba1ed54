package io.tailguard.benchmarks.http;

import com.sun.net.httpserver.HttpServer;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The cost Tailguard's {@code RestClient} interceptor adds to one GET on loopback: a local JDK
 * {@code HttpServer} on 127.0.0.1 answers a small body at once, and the same request is sent
 * through a plain {@code RestClient} and through clients configured under {@code
 * resilience.http-clients.*}, all on the same JDK {@code HttpClient} request factory.
 *
 * <ul>
 *   <li>{@code plain}: {@code RestClient} with the JDK request factory; the floor.
 * </ul>
 *
 * <p>One thread: the score is the latency of one request, so the overhead is per request. The
 * server answers on its dispatcher thread, so server and client share the machine's CPUs.
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

  private HttpServer server;
  private HttpClient http;
  private RestClient plain;

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
    JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
    plain = RestClient.builder().baseUrl(base).requestFactory(requests).build();
    check(plain().length() == BODY.length, "the plain client's answer");
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("unexpected: " + what);
    }
  }

  /** Stops the server. */
  @TearDown
  public void tearDown() {
    server.stop(0);
  }

  @Benchmark
  public String plain() {
    return plain.get().uri("/items/SKU-7").retrieve().body(String.class);
  }
}
