package io.tailguard.sample.downstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
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
 * GET /quotes/{symbol}    {"symbol":"ACME","price":123.45}
 * GET /search?q=text      {"query":"text","hits":["text-1","text-2","text-3"]}
 * GET /auth/{user}        {"user":"alice","allowed":true}
 * GET /db/orders/{id}     {"id":"42","sku":"SKU-7"}
 * GET /inventory/{sku}    {"sku":"SKU-7","stock":12}
 * GET /catalog/{sku}      {"sku":"SKU-7","name":"Item SKU-7","price":12.5,"replica":"a"}
 * GET /health             200 {"status":"UP"}, or 503 {"status":"DOWN"} during an outage
 * </pre>
 *
 * <p>Each request but {@code /health} draws its latency, failure and injected fault from the {@link
 * DownstreamProfile} in force (see {@link LatencyModel}); the profile can be changed at any time
 * with {@link #update}. A slow answer does not hold a thread: the request is parsed on one of a few
 * handler threads, and the answer is written by a scheduler thread when its latency has passed. A
 * client that gave up (a cancelled hedge) has closed its connection; the late write fails and is
 * dropped. A request that arrives during a {@code hang} holds no thread either: its exchange is
 * kept (at most {@link #MAX_HELD}) until the hang ends, when its connection is closed.
 *
 * <p>A "reset" closes the connection without an answer: the JDK server does not expose its sockets,
 * so the close is orderly (FIN, not RST), but the client sees what a reset shows it, a connection
 * that ended before the answer.
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

  /** Most requests held unanswered during a hang; later ones have their connection closed. */
  static final int MAX_HELD = 10_000;

  /** Length of a garbage answer, in bytes. */
  static final int GARBAGE_BYTES = 64;

  private static final String NODELAY = "sun.net.httpserver.nodelay";
  private static final Pattern CLIENT = Pattern.compile("[A-Za-z0-9._-]{1,40}");
  private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 ._-]{0,64}");

  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledThreadPoolExecutor responders;
  private final LatencyModel model;
  // The name /catalog answers with, so a caller sees which replica served it.
  private final String name;

  // The profile and when its flapping started; swapped whole by set() and update(), each request
  // reads it once.
  private final AtomicReference<Mode> mode;
  // Exchanges held unanswered by a hang. Added by handler threads; drained by whoever ends the hang
  // (a handler that adds after the drain sees the hang over and drains again).
  private final Set<HttpExchange> held = ConcurrentHashMap.newKeySet();
  // Request numbers, so draws are reproducible for one order of requests.
  private final AtomicLong requests = new AtomicLong();
  private final LongAdder failures = new LongAdder();
  private final LongAdder tailRequests = new LongAdder();
  private final LongAdder slowRequests = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder garbage = new LongAdder();
  private final LongAdder hung = new LongAdder();
  // Per X-Client header value; bounded by MAX_CLIENTS.
  private final Map<String, LongAdder> byClient = new ConcurrentHashMap<>();

  private Downstream(
      HttpServer server, DownstreamProfile initial, long seed, String name, ThreadFactory threads) {
    this.server = server;
    this.name = name;
    this.mode = new AtomicReference<>(new Mode(initial, System.nanoTime()));
    this.model = new LatencyModel(seed);
    ThreadPoolExecutor handlerPool =
        (ThreadPoolExecutor) Executors.newFixedThreadPool(HANDLER_THREADS, threads);
    this.handlers = handlerPool;
    this.responders = new ScheduledThreadPoolExecutor(RESPONDER_THREADS, threads);
    this.responders.setRemoveOnCancelPolicy(true);
    // Every thread from the start: a fixed server's threads should not depend on its peak load
    // (DemoModeTests counts threads before and after a run).
    handlerPool.prestartAllCoreThreads();
    this.responders.prestartAllCoreThreads();
    server.setExecutor(handlers);
    server.createContext("/quotes/", this::quote);
    server.createContext("/search", this::search);
    server.createContext("/auth/", this::auth);
    server.createContext("/db/orders/", this::order);
    server.createContext("/inventory/", this::stock);
    server.createContext("/catalog/", this::item);
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
    return start(port, initial, seed, "downstream");
  }

  /**
   * Starts a named downstream on 127.0.0.1: a replica of a service, whose {@code /catalog} answers
   * carry its name and whose threads are named after it.
   *
   * @param port the port, or 0 for any free one
   * @param initial the profile to start with
   * @param seed the seed of the latency draws
   * @param name the name, 1 to 40 letters, digits, dots, dashes or underscores
   * @return the running downstream
   * @throws IOException if the port cannot be bound
   */
  public static Downstream start(int port, DownstreamProfile initial, long seed, String name)
      throws IOException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    if (name == null || !CLIENT.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1 to 40 letters, digits, dots, dashes or underscores, was '" + name + "'");
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
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    Downstream d = new Downstream(server, initial, seed, name, threads);
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
    return mode.get().profile();
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
    Mode prev;
    Mode next;
    do {
      prev = mode.get();
      next = prev.then(prev.profile().with(change), System.nanoTime());
    } while (!mode.compareAndSet(prev, next));
    if (!next.profile().hang()) {
      releaseHeld();
    }
    return next.profile();
  }

  /**
   * Replaces the profile.
   *
   * @param next the new profile
   */
  public void set(DownstreamProfile next) {
    if (next == null) {
      throw new IllegalArgumentException("profile must not be null");
    }
    long now = System.nanoTime();
    Mode m = mode.updateAndGet(prev -> prev.then(next, now));
    if (!m.profile().hang()) {
      releaseHeld();
    }
  }

  /**
   * When the flapping in force started: the {@link System#nanoTime()} at which the profile that set
   * {@code flapMs} came into force. Its phases, healthy first, are counted from there.
   *
   * @return the start, meaningful while {@code flapMs} is not 0
   */
  public long flapStartNanos() {
    return mode.get().flapStartNanos();
  }

  /**
   * A profile and when its flapping started. Immutable.
   *
   * @param profile the profile
   * @param flapStartNanos when the current flapping started ({@link System#nanoTime()})
   */
  private record Mode(DownstreamProfile profile, long flapStartNanos) {

    /** The mode after {@code next} comes into force at {@code now}. */
    Mode then(DownstreamProfile next, long now) {
      boolean restart = next.flapMs() != profile.flapMs();
      return new Mode(next, restart ? now : flapStartNanos);
    }

    /** Whether a flapping downstream is in a failing phase at {@code now}. */
    boolean failing(long now) {
      double flapMs = profile.flapMs();
      if (flapMs <= 0) {
        return false;
      }
      long phase = (long) ((now - flapStartNanos) / (flapMs * 1_000_000));
      return (phase & 1) == 1;
    }
  }

  /**
   * What the downstream has served since it started.
   *
   * @param requests requests of every route but {@code /health}
   * @param failures those answered 503
   * @param tailRequests those whose latency came from the tail
   * @param slowRequests those made slow by the brownout's {@code slowMs}
   * @param resets those whose connection was closed without an answer
   * @param garbage those answered with bytes that are not JSON
   * @param hung those held unanswered by a hang
   * @param held those held unanswered now
   * @param byClient requests per {@code X-Client} header ("none" without one)
   */
  public record Stats(
      long requests,
      long failures,
      long tailRequests,
      long slowRequests,
      long resets,
      long garbage,
      long hung,
      long held,
      Map<String, Long> byClient) {
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
    return new Stats(
        requests.get(),
        failures.sum(),
        tailRequests.sum(),
        slowRequests.sum(),
        resets.sum(),
        garbage.sum(),
        hung.sum(),
        held.size(),
        clients);
  }

  private void quote(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    String symbol = path.substring("/quotes/".length());
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(symbol).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    double price = 10 + Math.floorMod(symbol.hashCode(), 99_000) / 100.0;
    serve(exchange, "quotes", "{\"symbol\":\"" + symbol + "\",\"price\":" + price + "}");
  }

  private void auth(HttpExchange exchange) {
    String user = exchange.getRequestURI().getPath().substring("/auth/".length());
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(user).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    serve(exchange, "auth", "{\"user\":\"" + user + "\",\"allowed\":true}");
  }

  private void order(HttpExchange exchange) {
    String id = exchange.getRequestURI().getPath().substring("/db/orders/".length());
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(id).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    String sku = "SKU-" + Math.floorMod(id.hashCode(), 100);
    serve(exchange, "db", "{\"id\":\"" + id + "\",\"sku\":\"" + sku + "\"}");
  }

  private void stock(HttpExchange exchange) {
    String sku = exchange.getRequestURI().getPath().substring("/inventory/".length());
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(sku).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    int stock = Math.floorMod(sku.hashCode(), 50);
    serve(exchange, "inventory", "{\"sku\":\"" + sku + "\",\"stock\":" + stock + "}");
  }

  private void item(HttpExchange exchange) {
    String sku = exchange.getRequestURI().getPath().substring("/catalog/".length());
    if (!exchange.getRequestMethod().equals("GET") || !TEXT.matcher(sku).matches()) {
      respond(exchange, 400, "{\"error\":\"bad request\"}");
      return;
    }
    double price = 1 + Math.floorMod(sku.hashCode(), 10_000) / 100.0;
    serve(
        exchange,
        "catalog",
        "{\"sku\":\""
            + sku
            + "\",\"name\":\"Item "
            + sku
            + "\",\"price\":"
            + price
            + ",\"replica\":\""
            + name
            + "\"}");
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
        "search",
        "{\"query\":\"" + q + "\",\"hits\":[\"" + q + "-1\",\"" + q + "-2\",\"" + q + "-3\"]}");
  }

  private void health(HttpExchange exchange) {
    if (mode.get().profile().outage()) {
      respond(exchange, 503, "{\"status\":\"DOWN\"}");
    } else {
      respond(exchange, 200, "{\"status\":\"UP\"}");
    }
  }

  private void serve(HttpExchange exchange, String route, String body) {
    count(exchange.getRequestHeaders().getFirst("X-Client"));
    long n = requests.getAndIncrement();
    Mode m = mode.get();
    DownstreamProfile p = m.profile();
    if (p.isDown(route) || m.failing(System.nanoTime())) {
      failures.increment();
      respond(exchange, 503, "{\"error\":\"unavailable\"}");
      return;
    }
    if (p.hang()) {
      hold(exchange);
      return;
    }
    LatencyModel.Draw draw = model.draw(p, n);
    if (draw.tail()) {
      tailRequests.increment();
    }
    if (draw.slow()) {
      slowRequests.increment();
    }
    Runnable answer;
    if (draw.reset()) {
      resets.increment();
      answer = exchange::close;
    } else if (draw.garbage()) {
      garbage.increment();
      byte[] bytes = garbage(n);
      answer = () -> respond(exchange, 200, bytes);
    } else if (draw.fails()) {
      failures.increment();
      answer = () -> respond(exchange, 503, "{\"error\":\"unavailable\"}");
    } else {
      answer = () -> respond(exchange, 200, body);
    }
    if (draw.latencyNanos() <= 0) {
      answer.run();
    } else {
      try {
        responders.schedule(answer, draw.latencyNanos(), TimeUnit.NANOSECONDS);
      } catch (RuntimeException closing) {
        exchange.close();
      }
    }
  }

  /** Bytes that no JSON parser accepts (0xFF never starts a UTF-8 character), seeded by n. */
  private static byte[] garbage(long n) {
    byte[] bytes = new byte[GARBAGE_BYTES];
    new SplittableRandom(n).nextBytes(bytes);
    bytes[0] = (byte) 0xFF;
    return bytes;
  }

  /** Keeps a request unanswered until the hang ends. */
  private void hold(HttpExchange exchange) {
    hung.increment();
    if (held.size() >= MAX_HELD) {
      exchange.close();
      return;
    }
    held.add(exchange);
    // The hang may have ended between the read of the mode and the add, after its drain.
    if (!mode.get().profile().hang()) {
      releaseHeld();
    }
  }

  /** Closes the connections of the requests a hang held. */
  private void releaseHeld() {
    for (HttpExchange e : held) {
      if (held.remove(e)) {
        e.close();
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
    respond(exchange, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, byte[] bytes) {
    try (exchange;
        OutputStream out = exchange.getResponseBody()) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    } catch (IOException clientGone) {
      // The caller stopped waiting (a cancelled hedge or a timeout): nothing to answer.
    }
  }

  /** Stops accepting, drops answers not yet written and held requests, and stops every thread. */
  @Override
  public void close() {
    server.stop(0);
    releaseHeld();
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
