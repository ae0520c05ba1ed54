package io.tailguard.sample.downstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The dependency the sample app protects: a small HTTP server of its own on 127.0.0.1 (the JDK's
 * {@code com.sun.net.httpserver}), so hedges, retries and breakers act on real network calls.
 *
 * <pre>
 * GET /quotes/{symbol}   {"symbol":"ACME","price":123.45}
 * GET /search?q=text     {"query":"text","hits":["text-1","text-2","text-3"]}
 * GET /health            200 {"status":"UP"}, or 503 {"status":"DOWN"} during an outage
 * </pre>
 *
 * <p>Each quote and search request draws its latency and failure from the {@link DownstreamProfile}
 * in force (see {@link LatencyModel}); the profile can be changed at any time with {@link #update}.
 * A slow answer does not hold a thread: the request is parsed on one of a few handler threads, and
 * the answer is written by a scheduler thread when its latency has passed. A client that gave up (a
 * cancelled hedge) has closed its connection; the late write fails and is dropped.
 *
 * <p>Requests are counted per {@code X-Client} header, so callers can see how much load each of
 * them sent (the demo's "extra load" of hedging is read here).
 *
 * <p>Thread-safe. Threads: the server's dispatcher, {@link #HANDLER_THREADS} handlers and {@link
 * #RESPONDER_THREADS} responders, all daemon threads, stopped by {@link #close()}.
 */
public final class Downstream implements AutoCloseable {

  /** Threads that parse requests; they never wait, so a few are plenty. */
  static final int HANDLER_THREADS = 4;

  /** Threads that write answers once their latency has passed. */
  static final int RESPONDER_THREADS = 2;

  /** Most distinct {@code X-Client} values counted; later ones count as "other". */
  static final int MAX_CLIENTS = 32;

  private static final String NODELAY = "sun.net.httpserver.nodelay";
  private static final Pattern CLIENT = Pattern.compile("[A-Za-z0-9._-]{1,40}");
  private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 ._-]{0,64}");

  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledThreadPoolExecutor responders;
  private final LatencyModel model;

  // Swapped whole by update(); each request reads it once.
  private final AtomicReference<DownstreamProfile> profile;
  // Request numbers, so draws are reproducible for one order of requests.
  private final AtomicLong requests = new AtomicLong();
  private final LongAdder failures = new LongAdder();
  private final LongAdder tailRequests = new LongAdder();
  // Per X-Client header value; bounded by MAX_CLIENTS.
  private final Map<String, LongAdder> byClient = new ConcurrentHashMap<>();

  private Downstream(
      HttpServer server, DownstreamProfile initial, long seed, ThreadFactory threads) {
    this.server = server;
    this.profile = new AtomicReference<>(initial);
    this.model = new LatencyModel(seed);
    this.handlers = Executors.newFixedThreadPool(HANDLER_THREADS, threads);
    this.responders = new ScheduledThreadPoolExecutor(RESPONDER_THREADS, threads);
    this.responders.setRemoveOnCancelPolicy(true);
    server.setExecutor(handlers);
    server.createContext("/quotes/", this::quote);
    server.createContext("/search", this::search);
    server.createContext("/health", this::health);
  }

  /**
   * Starts a downstream on 127.0.0.1.
   *
   * @param port the port, or 0 for any free one
   * @param initial the profile to start with
   * @param seed the seed of the latency draws
   * @return the running downstream
   * @throws IOException if the port cannot be bound
   */
  public static Downstream start(int port, DownstreamProfile initial, long seed)
      throws IOException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    // The JDK's server writes the headers and the body of an answer separately; without
    // TCP_NODELAY, Nagle's algorithm holds the body until the client's delayed ACK (40 ms on
    // Linux), which would add 40 ms to most calls. The server reads this property once, when the
    // first server is created.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "downstream-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    Downstream d = new Downstream(server, initial, seed, threads);
    server.start();
    return d;
  }

  /**
   * The base URL, for example {@code http://127.0.0.1:41234}.
   *
   * @return the URL
   */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * The profile in force.
   *
   * @return the profile
   */
  public DownstreamProfile profile() {
    return profile.get();
  }

  /**
   * Applies a change to the profile; requests that arrive afterwards see it.
   *
   * @param change the fields to change
   * @return the new profile
   * @throws IllegalArgumentException naming the field when a value is out of range; the profile in
   *     force stays
   */
  public DownstreamProfile update(DownstreamProfile.Change change) {
    return profile.updateAndGet(p -> p.with(change));
  }

  /**
   * Replaces the profile.
   *
   * @param next the new profile
   */
  public void set(DownstreamProfile next) {
    profile.set(next);
  }

  /**
   * What the downstream has served since it started.
   *
   * @param requests quote and search requests
   * @param failures those answered 503
   * @param tailRequests those whose latency came from the tail
   * @param byClient requests per {@code X-Client} header ("none" without one)
   */
  public record Stats(long requests, long failures, long tailRequests, Map<String, Long> byClient) {
    /**
     * Requests of one client.
     *
     * @param client the X-Client value
     * @return its requests, 0 if none
     */
    public long of(String client) {
      return byClient.getOrDefault(client, 0L);
    }
  }

  /**
   * Counts so far.
   *
   * @return the counts
   */
  public Stats stats() {
    Map<String, Long> clients = new TreeMap<>();
    byClient.forEach((k, v) -> clients.put(k, v.sum()));
    return new Stats(requests.get(), failures.sum(), tailRequests.sum(), clients);
  }

  private void quote(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    String symbol = path.substring("/quotes/".length());
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(symbol).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    double price = 10 + Math.floorMod(symbol.hashCode(), 99_000) / 100.0;
    serve(exchange, "{\"symbol\":\"" + symbol + "\",\"price\":" + price + "}");
  }

  private void search(HttpExchange exchange) {
    String query = exchange.getRequestURI().getQuery();
    String q = query != null && query.startsWith("q=") ? query.substring(2) : "";
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(q).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    serve(
        exchange,
        "{\"query\":\"" + q + "\",\"hits\":[\"" + q + "-1\",\"" + q + "-2\",\"" + q + "-3\"]}");
  }

  private void health(HttpExchange exchange) {
    if (profile.get().outage()) {
      respond(exchange, 503, "{\"status\":\"DOWN\"}");
    } else {
      respond(exchange, 200, "{\"status\":\"UP\"}");
    }
  }

  private void serve(HttpExchange exchange, String body) {
    count(exchange.getRequestHeaders().getFirst("X-Client"));
    LatencyModel.Draw draw = model.draw(profile.get(), requests.getAndIncrement());
    if (draw.tail()) {
      tailRequests.increment();
    }
    if (draw.fails()) {
      failures.increment();
    }
    int status = draw.fails() ? 503 : 200;
    String answer = draw.fails() ? "{\"error\":\"unavailable\"}" : body;
    if (draw.latencyNanos() <= 0) {
      respond(exchange, status, answer);
    } else {
      try {
        responders.schedule(
            () -> respond(exchange, status, answer), draw.latencyNanos(), TimeUnit.NANOSECONDS);
      } catch (RuntimeException closing) {
        exchange.close();
      }
    }
  }

  private void count(String client) {
    String key = client == null ? "none" : CLIENT.matcher(client).matches() ? client : "other";
    LongAdder adder = byClient.get(key);
    if (adder == null) {
      if (byClient.size() >= MAX_CLIENTS) {
        key = "other";
      }
      adder = byClient.computeIfAbsent(key, k -> new LongAdder());
    }
    adder.increment();
  }

  private static void respond(HttpExchange exchange, int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (exchange;
        OutputStream out = exchange.getResponseBody()) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    } catch (IOException clientGone) {
      // The caller stopped waiting (a cancelled hedge or a timeout): nothing to answer.
    }
  }

  /** Stops accepting, drops answers not yet written, and stops every thread. */
  @Override
  public void close() {
    server.stop(0);
    responders.shutdownNow();
    handlers.shutdownNow();
    try {
      responders.awaitTermination(5, TimeUnit.SECONDS);
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
