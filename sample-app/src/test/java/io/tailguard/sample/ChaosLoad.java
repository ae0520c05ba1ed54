package io.tailguard.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Closed-loop load for the chaos suite: {@code clients} threads, each sending one request at a time
 * to the app over loopback and pausing {@code pace} between requests, until {@link #close()}. Every
 * answer is recorded with when it was sent and answered ({@link System#nanoTime()}).
 *
 * <p>Thread-safe. Its threads are named {@code chaos-client-N} and end in {@link #close()}.
 */
final class ChaosLoad implements AutoCloseable {

  /** Longest wait for one answer; a call that gets none records status -1. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * One request and its answer.
   *
   * @param path the path sent
   * @param startNanos when it was sent
   * @param endNanos when the answer (or the failure) came
   * @param status the HTTP status, or -1 if no answer came
   * @param retryAfter the Retry-After header, if any
   * @param body the body (its first 300 characters), or why no answer came
   */
  record Call(
      String path, long startNanos, long endNanos, int status, String retryAfter, String body) {

    long latencyNanos() {
      return endNanos - startNanos;
    }

    long latencyMillis() {
      return TimeUnit.NANOSECONDS.toMillis(latencyNanos());
    }

    /** Retry-After in seconds, empty if absent or not a number. */
    OptionalLong retryAfterSeconds() {
      try {
        return retryAfter == null
            ? OptionalLong.empty()
            : OptionalLong.of(Long.parseLong(retryAfter.trim()));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }

    boolean startedIn(long fromNanos, long toNanos) {
      return startNanos >= fromNanos && startNanos < toNanos;
    }

    @Override
    public String toString() {
      return path
          + " "
          + status
          + " in "
          + latencyMillis()
          + " ms"
          + (body.isEmpty() ? "" : ": ")
          + body;
    }
  }

  private final HttpClient http;
  private final URI base;
  private final Duration pace;
  private final IntFunction<String> paths;
  private final Map<String, String> headers;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger sequence = new AtomicInteger();
  // Set by close(); read by the client threads before each request.
  private volatile boolean stopped;

  private ChaosLoad(
      HttpClient http,
      URI base,
      int clients,
      Duration pace,
      IntFunction<String> paths,
      Map<String, String> headers) {
    this.http = http;
    this.base = base;
    this.pace = pace;
    this.paths = paths;
    this.headers = headers;
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(this::run, "chaos-client-" + (c + 1));
      t.setDaemon(true);
      threads.add(t);
    }
  }

  /**
   * Starts load.
   *
   * @param http the client
   * @param base the app's base URL
   * @param clients threads, each with one request in flight at most
   * @param pace each thread's pause between requests
   * @param paths the path of request number n (counted over all threads from 0)
   * @param headers headers of every request
   * @return the running load
   */
  static ChaosLoad start(
      HttpClient http,
      URI base,
      int clients,
      Duration pace,
      IntFunction<String> paths,
      Map<String, String> headers) {
    ChaosLoad load = new ChaosLoad(http, base, clients, pace, paths, headers);
    load.threads.forEach(Thread::start);
    return load;
  }

  private void run() {
    while (!stopped) {
      String path = paths.apply(sequence.getAndIncrement());
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(path)).timeout(CLIENT_TIMEOUT);
      headers.forEach(request::header);
      long start = System.nanoTime();
      try {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = abbreviate(r.body());
        calls.add(
            new Call(
                path,
                start,
                System.nanoTime(),
                r.statusCode(),
                r.headers().firstValue("Retry-After").orElse(null),
                body));
      } catch (HttpTimeoutException e) {
        calls.add(new Call(path, start, System.nanoTime(), -1, null, "no answer: " + e));
      } catch (IOException e) {
        calls.add(new Call(path, start, System.nanoTime(), -1, null, "failed: " + e));
      } catch (InterruptedException e) {
        return;
      }
      // The clients' think time: it paces the load, it does not wait for a result.
      try {
        TimeUnit.NANOSECONDS.sleep(pace.toNanos());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  /**
   * The calls answered so far, in no particular order.
   *
   * @return a copy
   */
  List<Call> calls() {
    return new ArrayList<>(calls);
  }

  /**
   * The calls answered so far that match.
   *
   * @param filter which
   * @return a copy
   */
  List<Call> calls(Predicate<Call> filter) {
    return calls.stream().filter(filter).toList();
  }

  /**
   * How many calls sent at or after {@code fromNanos} have been answered.
   *
   * @param fromNanos the earliest start
   * @return the count
   */
  long answeredSince(long fromNanos) {
    return calls.stream().filter(c -> c.startNanos() >= fromNanos).count();
  }

  /** Stops the clients and waits for their last calls. */
  @Override
  public void close() {
    stopped = true;
    for (Thread t : threads) {
      try {
        t.join(CLIENT_TIMEOUT.plusSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        throw new IllegalStateException(t.getName() + " did not stop");
      }
    }
  }
}
