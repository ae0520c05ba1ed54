package io.tailguard.spring.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients: a fast replica, a slow one, a
 * failing one. It is built on a raw {@link ServerSocket} rather than the JDK's {@code HttpServer}
 * so that a test can see what a client does with its connection: a {@linkplain Reply#hold held}
 * reply waits until the test releases it or the client closes the connection, and the latter is
 * counted as {@linkplain #abandoned() abandoned} (a hedging client cancelling its losing attempt).
 *
 * <p>Every request is recorded with the {@link System#nanoTime()} it arrived at, so a test can
 * measure the gap between a response and the retry it caused, and wait for the n-th request with
 * {@link #awaitRequests(int)} instead of sleeping. Keep-alive is supported; {@code Upgrade: h2c} is
 * ignored (the server only speaks HTTP/1.1); chunked request bodies are read.
 *
 * <p>A test fixture shared with the sample app through the starter's test-jar.
 *
 * <p>This class is thread-safe: the handler may be swapped while requests are served; requests are
 * served on a daemon thread per connection.
 */
public final class LoopbackServer implements AutoCloseable {

  /** How long a blocked test waits for the server before failing. */
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * How often a held reply looks for a closed connection: the read timeout of a held socket. Only
   * bounds how soon a close is noticed, never what a test observes.
   */
  private static final int HOLD_POLL_MILLIS = 10;

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers a request.
     *
     * @param request the request
     * @return the reply
     * @throws InterruptedException if the server closes while the handler waits
     */
    Reply handle(Request request) throws InterruptedException;
  }

  /**
   * A request as the server read it.
   *
   * @param number 1 for the first request the server received
   * @param method the method
   * @param target the request target (path and query)
   * @param headers the headers, names in lower case (the last value of a repeated header)
   * @param body the body, empty if none
   * @param receivedNanos {@link System#nanoTime()} when the request was read
   */
  public record Request(
      int number,
      String method,
      String target,
      Map<String, String> headers,
      byte[] body,
      long receivedNanos) {

    /**
     * Returns a header's value.
     *
     * @param name the name, any case
     * @return the value, or {@code null}
     */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Returns the body as UTF-8 text.
     *
     * @return the body
     */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * A reply: status, headers, body, and optionally a latch it waits for before it is sent.
   *
   * @param status the status code
   * @param headers extra headers
   * @param body the body
   * @param release if not null, the reply is held until this latch opens or the client closes the
   *     connection
   */
  public record Reply(
      int status, Map<String, String> headers, String body, CountDownLatch release) {

    /**
     * A reply sent at once.
     *
     * @param status the status
     * @param body the body (text/plain)
     * @return the reply
     */
    public static Reply of(int status, String body) {
      return new Reply(status, Map.of(), body, null);
    }

    /**
     * This reply with one more header.
     *
     * @param name the name
     * @param value the value
     * @return a new reply
     */
    public Reply withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Reply(status, Map.copyOf(h), body, release);
    }

    /**
     * This reply, held until {@code release} opens or the client closes the connection (then
     * nothing is sent and the request counts as abandoned).
     *
     * @param release the latch
     * @return a new reply
     */
    public Reply heldUntil(CountDownLatch release) {
      return new Reply(status, headers, body, release);
    }
  }

  /**
   * Answers every request with 200 and {@code body}.
   *
   * @param body the body
   * @return the handler
   */
  public static Handler fast(String body) {
    return r -> Reply.of(200, body);
  }

  /**
   * Answers every request with {@code status}.
   *
   * @param status the status, e.g. 503
   * @return the handler
   */
  public static Handler failing(int status) {
    return r -> Reply.of(status, "failure " + status);
  }

  /**
   * Holds every request until {@code release} opens, then answers 200 with {@code body}; a client
   * that gives up first is counted in {@link #abandoned()}.
   *
   * @param body the body
   * @param release the latch
   * @return the handler
   */
  public static Handler slow(String body, CountDownLatch release) {
    return r -> Reply.of(200, body).heldUntil(release);
  }

  private final String name;
  private final ServerSocket server;
  private final ExecutorService connections;
  // Every socket open now; closed by close().
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Request> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger numbers = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  // Monitor for waits on received and abandoned; notified after each change.
  private final Object changed = new Object();
  // Written by the test thread, read per request by the connection threads.
  private volatile Handler handler;

  private LoopbackServer(String name, Handler handler) throws IOException {
    this.name = name;
    this.handler = handler;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "loopback-" + name + "-" + server.getLocalPort());
              t.setDaemon(true);
              return t;
            });
    Thread t = new Thread(this::acceptLoop, "loopback-" + name + "-accept");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Starts a server on an ephemeral port of 127.0.0.1.
   *
   * @param name a name for its threads and {@link #toString()}
   * @param handler answers the requests
   * @return the running server
   */
  public static LoopbackServer start(String name, Handler handler) {
    try {
      return new LoopbackServer(name, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the base URI.
   *
   * @return {@code http://127.0.0.1:port}
   */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /**
   * Returns the URI of a path on this server.
   *
   * @param path the path, starting with /
   * @return the URI
   */
  public URI uri(String path) {
    return URI.create(uri() + path);
  }

  /**
   * Returns the port.
   *
   * @return the port
   */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Returns {@code 127.0.0.1:port}, the host tag a client gives this server.
   *
   * @return host and port
   */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /**
   * Replaces the handler for the requests that arrive from now on.
   *
   * @param handler the handler
   */
  public void handler(Handler handler) {
    this.handler = handler;
  }

  /**
   * Returns the requests received so far, in order of arrival.
   *
   * @return a snapshot
   */
  public List<Request> received() {
    return List.copyOf(received);
  }

  /**
   * Returns how many requests arrived.
   *
   * @return the count
   */
  public int requests() {
    return received.size();
  }

  /**
   * Returns how many connections were accepted.
   *
   * @return the count
   */
  public int connections() {
    return accepted.get();
  }

  /**
   * Returns how many held replies were never sent because the client closed the connection.
   *
   * @return the count
   */
  public int abandoned() {
    return abandoned.get();
  }

  /**
   * Waits until at least {@code n} requests arrived.
   *
   * @param n the count
   * @return the requests so far
   * @throws AssertionError after 10 seconds
   */
  public List<Request> awaitRequests(int n) {
    awaitCondition(() -> received.size() >= n, n + " requests (had " + received.size() + ")");
    return received();
  }

  /**
   * Waits until at least {@code n} held replies were abandoned by their client.
   *
   * @param n the count
   * @throws AssertionError after 10 seconds
   */
  public void awaitAbandoned(int n) {
    awaitCondition(() -> abandoned.get() >= n, n + " abandoned requests (had " + abandoned + ")");
  }

  private void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (changed) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(this + " did not see " + what + " within " + WAIT);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(changed, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for " + what, e);
        }
      }
    }
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    connections.shutdownNow();
    try {
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LoopbackServer[" + name + " " + hostPort() + "]";
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(s);
      accepted.incrementAndGet();
      try {
        connections.execute(() -> serve(s));
      } catch (RuntimeException e) {
        closeQuietly(s); // shutting down
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      PushbackInputStream in = new PushbackInputStream(socket.getInputStream(), 1);
      OutputStream out = socket.getOutputStream();
      while (true) {
        Request request = read(in);
        if (request == null) {
          return; // the client closed an idle connection
        }
        received.add(request);
        signal();
        Reply reply = handler.handle(request);
        if (reply.release() != null && !hold(socket, in, reply.release())) {
          abandoned.incrementAndGet();
          signal();
          return;
        }
        write(out, reply);
        if ("close".equalsIgnoreCase(request.header("connection"))) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client or close() ended the connection
    } finally {
      sockets.remove(socket);
    }
  }

  /**
   * Waits for {@code release} while watching the connection; returns false if the client closed it
   * first.
   */
  private static boolean hold(Socket socket, PushbackInputStream in, CountDownLatch release)
      throws IOException, InterruptedException {
    socket.setSoTimeout(HOLD_POLL_MILLIS);
    try {
      while (!release.await(0, TimeUnit.MILLISECONDS)) {
        int b;
        try {
          b = in.read();
        } catch (SocketTimeoutException e) {
          continue; // still open, still held
        } catch (IOException e) {
          return false; // reset by the client
        }
        if (b < 0) {
          return false; // closed by the client
        }
        in.unread(b); // the client sent more (a pipelined request): keep it for later
        release.await();
      }
      return true;
    } finally {
      socket.setSoTimeout(0);
    }
  }

  private Request read(PushbackInputStream in) throws IOException {
    String requestLine = line(in);
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length < 3) {
      throw new IOException("bad request line: " + requestLine);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(
            h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
    }
    byte[] body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked(in);
    } else {
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      body = in.readNBytes(length);
      if (body.length < length) {
        throw new EOFException("body cut short");
      }
    }
    return new Request(
        numbers.incrementAndGet(), parts[0], parts[1], headers, body, System.nanoTime());
  }

  private static byte[] chunked(PushbackInputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        throw new EOFException("chunked body cut short");
      }
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
      if (n == 0) {
        for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
          // trailers are ignored
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      line(in); // the CRLF after the chunk
    }
  }

  /** Reads a line ending in CRLF (or LF); null at the end of the stream before any byte. */
  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        int end = sb.length();
        if (end > 0 && sb.charAt(end - 1) == '\r') {
          sb.setLength(end - 1);
        }
        return sb.toString();
      }
      sb.append((char) b);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private static void write(OutputStream out, Reply reply) throws IOException {
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    lines.add("HTTP/1.1 " + reply.status() + " " + reason(reply.status()));
    lines.add("Content-Type: text/plain; charset=utf-8");
    lines.add("Content-Length: " + body.length);
    reply.headers().forEach((k, v) -> lines.add(k + ": " + v));
    String head = String.join("\r\n", lines) + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status";
    };
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
