package io.tailguard.core.http;

import io.tailguard.core.circuitbreaker.CallGuard;
import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.circuitbreaker.CircuitState;
import io.tailguard.core.event.EventListener;
import io.tailguard.core.event.EventListeners;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.hedge.AttemptContext;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.internal.Failures;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.InvalidRateLimitKeyException;
import io.tailguard.core.ratelimiter.RateLimiter;
import io.tailguard.core.retry.Retrier;
import io.tailguard.core.time.Clock;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * Guards the requests of one named HTTP client ({@code resilience.http-clients.<name>}) without
 * annotations. An adapter (the Spring starter's {@code RestClient} interceptor or {@code WebClient}
 * filter) hands each request to {@link #execute} or {@link #executeAsync} with an exchange that
 * sends one attempt; the guard decides how many attempts there are and where each goes.
 *
 * <h2>Semantics, outermost first</h2>
 *
 * <ol>
 *   <li><b>Rate limit</b> ({@link HttpClientConfig#rateLimiter()}): one permit per request, keyed
 *       by the {@link HttpClientConfig#rateLimitKeyHeader() key header}'s value (the client's name
 *       if unset or absent); refused, the request fails with {@link
 *       io.tailguard.core.ratelimiter.RateLimitExceededException} and nothing is sent.
 *   <li><b>Retry</b> ({@link HttpClientConfig#retry()}), only for the {@link
 *       HttpClientConfig#retryMethods() retry methods}: a try that fails, or answers with a status
 *       in the policy's {@linkplain io.tailguard.core.retry.RetryPolicy#retryableStatuses()
 *       retryable statuses}, is tried again after the policy's backoff, or after the response's
 *       {@code Retry-After} (capped by the policy's {@code max-delay}). A retried response is
 *       discarded just before the next try; when the tries or the budget run out, the last response
 *       is returned as it is, not thrown.
 *   <li><b>Hedge</b> ({@link HttpClientConfig#hedge()}), only for the {@link
 *       HttpClientConfig#hedgeMethods() hedge methods}: the hedger of that name sends more attempts
 *       after its delay; any response wins (a retryable status is left to the retry above). Each
 *       try routes its attempts over the endpoints: attempt {@code i} goes to the {@code i}-th
 *       endpoint of the try's order ({@linkplain HttpRouting#ORDERED configured order} or a
 *       {@linkplain HttpRouting#WEIGHTED weighted draw without replacement}), from which endpoints
 *       whose breaker is open were left out (all of them are kept if all are open, so the rejection
 *       reaches the caller); with more attempts than endpoints the order wraps around. Losers are
 *       cancelled (a blocking attempt's thread is interrupted, an asynchronous attempt's stage
 *       cancelled) and their responses discarded.
 *   <li><b>Per-host breaker</b> ({@link HttpClientConfig#circuitBreaker()}): each attempt takes a
 *       permit from its host's breaker, a breaker of the runtime's registry named {@code
 *       http:<client>:<host:port>} with the referenced instance's settings. A status of 500 or
 *       more, or an exception, is a failure; a cancelled attempt releases its permit without
 *       counting. Refused, the attempt is {@link HttpClientEvent.Outcome#REJECTED} and goes to the
 *       next endpoint of the order instead, if any; if every one refuses, the attempt fails with
 *       the first {@link CircuitRejectedException}. At most {@link HttpClientConfig#maxHosts()}
 *       hosts get their own breaker and host tag (configured endpoints first); the rest share
 *       {@code other}.
 *   <li><b>Exchange</b>: with endpoints, the request's scheme, host and port are replaced by the
 *       endpoint's and its path is put after the endpoint's base path (a request that names an
 *       endpoint and a path under its base path, as one built on the first endpoint's URL does,
 *       keeps only what follows that base path); without, the request goes to its own URI.
 * </ol>
 *
 * <p>Each attempt yields one {@link HttpClientEvent.AttemptFinished}. The guard follows its
 * registry's reloads: each request reads the settings in force once, when it starts.
 *
 * <p>This class is thread-safe.
 */
public final class HttpClientGuard implements AutoCloseable {

  /*
   * Concurrency. `plan` (the settings with the engines they name, and the host table) is volatile
   * and swapped whole by the registry's apply(), which is serialised by the registry; each request
   * reads it once. The host table guards itself (see HostTable). `closed` is a volatile flag read at
   * the start of each request. A request's own state lives on the calling thread (blocking) or in
   * the futures of its stages (asynchronous); the only state shared between a request's attempts is
   * the response between an attempt and the caller (a retried one, or the answer on its way out),
   * an AtomicReference whose taker owns it.
   */

  /**
   * The settings in force with the engines they name, and the endpoints' targets made once, so a
   * request whose endpoints all allow calls routes without allocating; immutable.
   */
  record Plan(
      HttpClientConfig config,
      RateLimiter limiter,
      Retrier retrier,
      Hedger hedger,
      HostTable hosts,
      List<Target> targets) {

    Plan(
        HttpClientConfig config,
        RateLimiter limiter,
        Retrier retrier,
        Hedger hedger,
        HostTable hosts) {
      this(config, limiter, retrier, hedger, hosts, targets(config, hosts));
    }

    private static List<Target> targets(HttpClientConfig config, HostTable hosts) {
      List<Target> t = new ArrayList<>(config.endpoints().size());
      for (HttpEndpoint e : config.endpoints()) {
        t.add(new Target(e, hosts.host(e.hostTag())));
      }
      return List.copyOf(t);
    }
  }

  /**
   * One place an attempt may go: an endpoint (null for the request's own URI), its host and its
   * base path (made once per plan, not per request). The URI is made when an attempt is sent there,
   * not for every endpoint a try might use.
   */
  record Target(HttpEndpoint endpoint, HostTable.Host host, String basePath) {
    Target(HttpEndpoint endpoint, HostTable.Host host) {
      this(endpoint, host, endpoint == null ? "" : endpoint.basePath());
    }

    URI uri(HttpCall call) {
      return endpoint == null ? call.uri() : endpoint.rewrite(call.uri(), basePath);
    }
  }

  private final String name;
  private final Clock clock;
  // Null means ThreadLocalRandom.current() of the calling thread.
  private final RandomGenerator random;
  private final EventListeners<HttpClientEvent> listeners = new EventListeners<>();
  // The registry's listeners, told about every event too.
  private final EventListeners<HttpClientEvent> parent;
  private volatile Plan plan;
  private volatile boolean closed;

  HttpClientGuard(
      String name,
      Clock clock,
      RandomGenerator random,
      EventListeners<HttpClientEvent> parent,
      Plan plan) {
    this.name = name;
    this.clock = clock;
    this.random = random;
    this.parent = parent;
    this.plan = plan;
  }

  /**
   * Returns the client's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the settings in force.
   *
   * @return the settings
   */
  public HttpClientConfig config() {
    return plan.config();
  }

  Plan plan() {
    return plan;
  }

  void plan(Plan next) {
    this.plan = next;
  }

  /**
   * Returns the host tag of a URI as the guard's events and meters use it: {@code host:port} if the
   * host has its own breaker and tag or there is room for one more, else {@code other}. Does not
   * add the host.
   *
   * @param uri an absolute URI with a host
   * @return the tag
   * @throws IllegalArgumentException if the URI is null or has no host
   */
  public String hostTag(URI uri) {
    Validate.notNull("uri", uri);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("uri must be absolute with a host, was '" + uri + "'");
    }
    return plan.hosts().tagOf(uri);
  }

  /**
   * Returns the per-host breakers made so far, by host tag ({@code other} last if used); empty
   * without breakers.
   *
   * @return the breakers, in the order their hosts came
   */
  public Map<String, CircuitBreaker> hostBreakers() {
    Map<String, CircuitBreaker> m = new LinkedHashMap<>();
    plan.hosts()
        .hosts()
        .forEach(
            (tag, h) -> {
              if (h.breaker() != null) {
                m.put(tag, h.breaker());
              }
            });
    return m;
  }

  /**
   * Adds a listener for this client's events.
   *
   * @param listener the listener
   * @return a subscription that removes it
   */
  public Subscription subscribe(EventListener<? super HttpClientEvent> listener) {
    return listeners.subscribe(listener);
  }

  /**
   * Returns the settings and the hosts with their breakers' states, as plain values.
   *
   * @return an ordered map
   */
  public Map<String, Object> describe() {
    Plan p = plan;
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", name);
    d.put("config", p.config().toMap());
    Map<String, Object> hosts = new LinkedHashMap<>();
    p.hosts()
        .hosts()
        .forEach(
            (tag, h) -> hosts.put(tag, h.breaker() == null ? "-" : h.breaker().state().name()));
    d.put("hosts", hosts);
    d.put("closed", closed);
    return d;
  }

  /**
   * Returns whether the client was closed (removed from the configuration, or its runtime closed).
   *
   * @return {@code true} once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes the client: later requests are refused with {@link IllegalStateException}; requests in
   * flight run to their end. The per-host breakers belong to the runtime's registry.
   */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "HttpClientGuard[" + name + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Blocking

  /**
   * Sends a request through the client's engines and waits for the response.
   *
   * @param call the request
   * @param exchange sends one attempt; called once per attempt, hedges on the runtime's executor
   * @param responses reads and releases responses
   * @param <R> the adapter's response type
   * @return the response (after retries, the last one, whatever its status)
   * @throws IOException the last attempt's, if no attempt got a response
   * @throws io.tailguard.core.ratelimiter.RateLimitExceededException if the rate limiter refused
   * @throws CircuitRejectedException if every endpoint's breaker refused
   * @throws io.tailguard.core.hedge.HedgeTimeoutException if the hedger's timeout passed
   * @throws CancellationException if the calling thread was interrupted while a hedged try waited
   * @throws IllegalStateException if the client is closed
   */
  public <R> R execute(HttpCall call, HttpExchange<R> exchange, HttpResponses<R> responses)
      throws IOException {
    Validate.notNull("call", call);
    Validate.notNull("exchange", exchange);
    Validate.notNull("responses", responses);
    Plan p = start();
    HttpCall routed = underEndpoints(p, call);
    acquire(p, call);
    return execute(p, routed, exchange, responses);
  }

  private <R> R execute(Plan p, HttpCall call, HttpExchange<R> exchange, HttpResponses<R> responses)
      throws IOException {
    if (!retries(p, call)) {
      return tryOnce(p, call, 0, exchange, responses);
    }
    Set<Integer> retryable = p.retrier().policy().retryableStatuses();
    AtomicReference<RetryableResponseException> held = new AtomicReference<>();
    int[] tries = {0};
    try {
      return p.retrier()
          .call(
              () -> {
                discardHeld(held, responses);
                R r = tryOnce(p, call, tries[0]++, exchange, responses);
                int status = statusOrDiscard(responses, r);
                if (retryable.contains(status)) {
                  RetryableResponseException x = retryable(r, status, responses);
                  held.set(x);
                  throw x;
                }
                return r;
              });
    } catch (RetryableResponseException x) {
      // The tries or the budget ran out on a response: it is the answer.
      held.compareAndSet(x, null);
      @SuppressWarnings("unchecked")
      R r = (R) x.response();
      return r;
    } catch (IOException | RuntimeException | Error e) {
      discardHeld(held, responses);
      throw e;
    } catch (Exception e) {
      discardHeld(held, responses);
      throw new IllegalStateException("unexpected checked exception", e);
    }
  }

  private <R> R tryOnce(
      Plan p, HttpCall call, int retry, HttpExchange<R> exchange, HttpResponses<R> responses)
      throws IOException {
    List<Target> route = route(p, call);
    if (!hedges(p, call)) {
      return attempt(call, route, 0, retry, null, exchange, responses);
    }
    Holder<R> winner;
    try {
      winner =
          p.hedger()
              .call(
                  ctx -> {
                    try {
                      R r = attempt(call, route, ctx.attempt(), retry, ctx, exchange, responses);
                      return new Holder<>(r, responses);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    R r = winner.take();
    if (r == null) {
      throw winnerDiscarded();
    }
    return r;
  }

  /** Sends attempt {@code index} to its endpoint, or the next whose breaker lets it through. */
  private <R> R attempt(
      HttpCall call,
      List<Target> route,
      int index,
      int retry,
      AttemptContext ctx,
      HttpExchange<R> exchange,
      HttpResponses<R> responses)
      throws IOException {
    Permit permit = permit(call, route, index);
    return send(call, permit.target(), index, retry, ctx, permit.guard(), exchange, responses);
  }

  /** Where an attempt goes and its breaker's permit (null without breakers). */
  private record Permit(Target target, CallGuard guard) {}

  /**
   * Takes a permit from the breaker of attempt {@code index}'s endpoint, or of the next one that
   * lets it through; each refusal is published as {@link HttpClientEvent.Outcome#REJECTED}.
   *
   * @throws CircuitRejectedException the first refusal, if every endpoint refused
   */
  private Permit permit(HttpCall call, List<Target> route, int index) {
    CircuitRejectedException rejected = null;
    for (int k = 0; k < route.size(); k++) {
      Target t = route.get((index + k) % route.size());
      if (t.host().breaker() == null) {
        return new Permit(t, null);
      }
      try {
        return new Permit(t, t.host().breaker().acquire());
      } catch (CircuitRejectedException e) {
        publish(t, call, -1, HttpClientEvent.Outcome.REJECTED, 0, index);
        if (rejected == null) {
          rejected = e;
        }
      }
    }
    throw rejected;
  }

  private <R> R send(
      HttpCall call,
      Target t,
      int index,
      int retry,
      AttemptContext ctx,
      CallGuard guard,
      HttpExchange<R> exchange,
      HttpResponses<R> responses)
      throws IOException {
    long start = clock.nanoTime();
    R r;
    try {
      r = exchange.exchange(new HttpAttempt(index, retry, t.uri(call), t.host().tag(), ctx));
      if (r == null) {
        throw new IllegalStateException("the exchange of '" + name + "' returned no response");
      }
    } catch (IOException | RuntimeException | Error e) {
      boolean cancelled =
          (ctx != null && ctx.isCancelled())
              || Thread.currentThread().isInterrupted()
              || e instanceof InterruptedIOException;
      finish(guard, t, call, -1, cancelled ? null : e, cancelled, start, index);
      throw e;
    }
    if (ctx != null && ctx.isCancelled()) {
      // Lost the race while answering: the hedger discards it.
      finish(guard, t, call, safeStatus(responses, r), null, true, start, index);
      return r;
    }
    settle(guard, t, call, r, responses, start, index);
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // Asynchronous

  /**
   * Sends a request through the client's engines without blocking. Cancelling the returned future
   * cancels the running attempts (their stages) and further retries.
   *
   * @param call the request
   * @param exchange starts one attempt; the first on the calling thread, retries and hedges on the
   *     runtime's executor
   * @param responses reads and releases responses
   * @param <R> the adapter's response type
   * @return a future of the response (after retries, the last one, whatever its status), failing as
   *     {@link #execute} throws
   */
  public <R> CompletableFuture<R> executeAsync(
      HttpCall call, AsyncHttpExchange<R> exchange, HttpResponses<R> responses) {
    Validate.notNull("call", call);
    Validate.notNull("exchange", exchange);
    Validate.notNull("responses", responses);
    Plan p;
    HttpCall routed;
    try {
      p = start();
      routed = underEndpoints(p, call);
      acquire(p, call);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return executeAsync(p, routed, exchange, responses);
  }

  private <R> CompletableFuture<R> executeAsync(
      Plan p, HttpCall call, AsyncHttpExchange<R> exchange, HttpResponses<R> responses) {
    if (!retries(p, call)) {
      return tryOnceAsync(p, call, 0, exchange, responses);
    }
    Set<Integer> retryable = p.retrier().policy().retryableStatuses();
    // The response between an attempt and the caller: a retried one waiting for the next try, or
    // the answer on its way out through the retrier, which drops what ends after a cancellation.
    // Whoever takes it out (getAndSet or compareAndSet) owns it: hands it over or discards it.
    AtomicReference<R> pending = new AtomicReference<>();
    AtomicInteger tries = new AtomicInteger();
    CompletableFuture<R> result = new CompletableFuture<>();
    CompletableFuture<R> upstream =
        p.retrier()
            .callAsync(
                () -> {
                  discardPending(pending, responses);
                  CompletableFuture<R> one =
                      tryOnceAsync(p, call, tries.getAndIncrement(), exchange, responses);
                  CompletableFuture<R> checked = new CompletableFuture<>();
                  one.whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          checked.completeExceptionally(unwrap(e));
                          return;
                        }
                        int status;
                        try {
                          status = statusOrDiscard(responses, r);
                        } catch (RuntimeException s) {
                          checked.completeExceptionally(s);
                          return;
                        }
                        pending.set(r);
                        if (retryable.contains(status)) {
                          checked.completeExceptionally(retryable(r, status, responses));
                        } else {
                          checked.complete(r);
                        }
                        if (result.isDone()) {
                          // Cancelled meanwhile (before or while the retrier judged it): the
                          // retrier will not pass it on.
                          discardPending(pending, responses);
                        }
                      });
                  cancelWith(checked, one);
                  return checked;
                });
    upstream.whenComplete(
        (r, e) -> {
          Throwable cause = e == null ? null : unwrap(e);
          @SuppressWarnings("unchecked")
          R last =
              e == null
                  ? r
                  : cause instanceof RetryableResponseException x ? (R) x.response() : null;
          // The tries or the budget ran out on a retryable response: it is the answer.
          if (last != null && pending.compareAndSet(last, null)) {
            if (!result.complete(last)) {
              Holder.discard(responses, last);
            }
            return;
          }
          discardPending(pending, responses);
          result.completeExceptionally(
              cause != null ? cause : new CancellationException("cancelled by the caller"));
        });
    cancelWith(result, upstream);
    return result;
  }

  private <R> CompletableFuture<R> tryOnceAsync(
      Plan p, HttpCall call, int retry, AsyncHttpExchange<R> exchange, HttpResponses<R> responses) {
    List<Target> route;
    try {
      route = route(p, call);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!hedges(p, call)) {
      return attemptAsync(call, route, 0, retry, null, exchange, responses);
    }
    CompletableFuture<Holder<R>> hedged =
        p.hedger()
            .callAsync(
                ctx -> {
                  CompletableFuture<R> one =
                      attemptAsync(call, route, ctx.attempt(), retry, ctx, exchange, responses);
                  CompletableFuture<Holder<R>> held = new CompletableFuture<>();
                  one.whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          held.completeExceptionally(unwrap(e));
                        } else if (!held.complete(new Holder<>(r, responses))) {
                          Holder.discard(responses, r);
                        }
                      });
                  cancelWith(held, one);
                  return held;
                });
    CompletableFuture<R> result = new CompletableFuture<>();
    hedged.whenComplete(
        (h, e) -> {
          if (e != null) {
            result.completeExceptionally(unwrap(e));
            return;
          }
          R r = h.take();
          if (r == null) {
            result.completeExceptionally(winnerDiscarded());
          } else if (!result.complete(r)) {
            Holder.discard(responses, r);
          }
        });
    cancelWith(result, hedged);
    return result;
  }

  private <R> CompletableFuture<R> attemptAsync(
      HttpCall call,
      List<Target> route,
      int index,
      int retry,
      AttemptContext ctx,
      AsyncHttpExchange<R> exchange,
      HttpResponses<R> responses) {
    Permit permit;
    try {
      permit = permit(call, route, index);
    } catch (CircuitRejectedException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sendAsync(call, permit.target(), index, retry, ctx, permit.guard(), exchange, responses);
  }

  private <R> CompletableFuture<R> sendAsync(
      HttpCall call,
      Target t,
      int index,
      int retry,
      AttemptContext ctx,
      CallGuard guard,
      AsyncHttpExchange<R> exchange,
      HttpResponses<R> responses) {
    long start = clock.nanoTime();
    CompletableFuture<R> source;
    try {
      CompletionStage<R> stage =
          exchange.exchange(new HttpAttempt(index, retry, t.uri(call), t.host().tag(), ctx));
      if (stage == null) {
        throw new IllegalStateException("the exchange of '" + name + "' returned no stage");
      }
      source = stage.toCompletableFuture();
    } catch (RuntimeException | Error e) {
      finish(guard, t, call, -1, e, false, start, index);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<R> out = new CompletableFuture<>();
    source.whenComplete(
        (r, e) -> {
          boolean cancelled = out.isCancelled() || (ctx != null && ctx.isCancelled());
          if (e != null) {
            Throwable cause = unwrap(e);
            cancelled |= cause instanceof CancellationException;
            finish(guard, t, call, -1, cancelled ? null : cause, cancelled, start, index);
            out.completeExceptionally(cause);
            return;
          }
          if (r == null) {
            IllegalStateException none =
                new IllegalStateException("the exchange of '" + name + "' answered no response");
            finish(guard, t, call, -1, none, false, start, index);
            out.completeExceptionally(none);
            return;
          }
          if (cancelled) {
            finish(guard, t, call, safeStatus(responses, r), null, true, start, index);
            Holder.discard(responses, r);
            out.cancel(false);
            return;
          }
          try {
            settle(guard, t, call, r, responses, start, index);
          } catch (RuntimeException s) {
            out.completeExceptionally(s);
            return;
          }
          if (!out.complete(r)) {
            Holder.discard(responses, r);
          }
        });
    cancelWith(out, source);
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Shared steps

  /** Reads the plan once, for the whole request. */
  private Plan start() {
    if (closed) {
      throw new IllegalStateException("http client '" + name + "' is closed");
    }
    return plan;
  }

  /** Takes the rate limiter's permit, once the request is known to be one that can be sent. */
  private void acquire(Plan p, HttpCall call) {
    if (p.limiter() != null) {
      String header = p.config().rateLimitKeyHeader().orElse(null);
      String key = header == null ? null : call.header().apply(header);
      try {
        p.limiter().acquireOrThrow(key == null || key.isEmpty() ? name : key);
      } catch (InvalidRateLimitKeyException e) {
        // The key came from a request header: say which, still never the value.
        InvalidRateLimitKeyException named =
            new InvalidRateLimitKeyException(
                e.limiterName(),
                "rate-limit-key-header "
                    + header
                    + " of http client '"
                    + name
                    + "': "
                    + e.getMessage());
        named.initCause(e);
        throw named;
      }
    }
  }

  /**
   * The request as the endpoints take it: an absolute URI under an endpoint's base path (as the
   * starter's clients make them, with the first endpoint's URL as base URL) keeps only what follows
   * that base path, so that each endpoint puts its own before it, once. Refuses, before any permit
   * is taken, a URI that cannot be routed: without endpoints one with no host, with endpoints an
   * opaque one.
   */
  private HttpCall underEndpoints(Plan p, HttpCall call) {
    URI uri = call.uri();
    if (p.targets().isEmpty()) {
      if (!uri.isAbsolute() || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "uri must be absolute with a host when http client '"
                + name
                + "' has no endpoints, was '"
                + uri
                + "'");
      }
      return call;
    }
    if (uri.isOpaque()) {
      // No path to put after an endpoint's: it would be sent to the endpoint's root.
      throw new IllegalArgumentException(
          "uri must be a path or a hierarchical URI such as http://host/path, was '" + uri + "'");
    }
    if (uri.getHost() == null || uri.getRawPath() == null) {
      return call;
    }
    String path = uri.getRawPath();
    for (Target t : p.targets()) {
      String base = t.basePath();
      if (!base.isEmpty()
          && path.startsWith(base)
          && (path.length() == base.length() || path.charAt(base.length()) == '/')
          && t.endpoint().isHostOf(uri)) {
        StringBuilder b = new StringBuilder(path.substring(base.length()));
        if (uri.getRawQuery() != null) {
          b.append('?').append(uri.getRawQuery());
        }
        if (uri.getRawFragment() != null) {
          b.append('#').append(uri.getRawFragment());
        }
        return new HttpCall(call.method(), URI.create(b.toString()), call.header());
      }
    }
    return call;
  }

  private static boolean retries(Plan p, HttpCall call) {
    return p.retrier() != null && p.config().retryMethods().contains(call.method());
  }

  private static boolean hedges(Plan p, HttpCall call) {
    return p.hedger() != null && p.config().hedgeMethods().contains(call.method());
  }

  /**
   * The try's order of targets: the endpoints in configured order or a weighted draw, those whose
   * breaker is open left out unless all are; the request's own URI without endpoints.
   */
  private List<Target> route(Plan p, HttpCall call) {
    List<Target> targets = p.targets();
    if (targets.isEmpty()) {
      return List.of(new Target(null, p.hosts().host(call.uri()))); // checked by underEndpoints
    }
    List<Target> order =
        p.config().routing() == HttpRouting.WEIGHTED && targets.size() > 1
            ? weighted(targets)
            : targets;
    int open = 0;
    for (Target t : order) {
      if (isOpen(t.host().breaker())) {
        open++;
      }
    }
    if (open == 0 || open == order.size()) {
      return order; // all kept when all are open, so the rejection reaches the caller
    }
    List<Target> allowing = new ArrayList<>(order.size() - open);
    for (Target t : order) {
      if (!isOpen(t.host().breaker())) {
        allowing.add(t);
      }
    }
    // A breaker may have opened since it was counted: never route nowhere.
    return allowing.isEmpty() ? order : allowing;
  }

  /** A weighted draw without replacement (successive weighted choices among those left). */
  private List<Target> weighted(List<Target> targets) {
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    List<Target> left = new ArrayList<>(targets);
    List<Target> out = new ArrayList<>(targets.size());
    long total = 0;
    for (Target t : left) {
      total += t.endpoint().weight();
    }
    while (!left.isEmpty()) {
      long pick = r.nextLong(total);
      int i = 0;
      while (pick >= left.get(i).endpoint().weight()) {
        pick -= left.get(i).endpoint().weight();
        i++;
      }
      Target chosen = left.remove(i);
      total -= chosen.endpoint().weight();
      out.add(chosen);
    }
    return out;
  }

  /** Whether a breaker refuses calls now: forced open, or open with cooldown left. */
  private static boolean isOpen(CircuitBreaker b) {
    if (b == null) {
      return false;
    }
    CircuitState s = b.state();
    return s == CircuitState.FORCED_OPEN
        || (s == CircuitState.OPEN && b.remainingCooldown().compareTo(Duration.ZERO) > 0);
  }

  /**
   * Reports an attempt that got a response to its breaker and listeners, by its status.
   *
   * @throws RuntimeException reading the status failed: reported as a failure, response discarded
   */
  private <R> void settle(
      CallGuard guard,
      Target t,
      HttpCall call,
      R r,
      HttpResponses<R> responses,
      long start,
      int index) {
    int status;
    try {
      status = statusOrDiscard(responses, r);
    } catch (RuntimeException e) {
      finish(guard, t, call, -1, e, false, start, index);
      throw e;
    }
    finish(guard, t, call, status, null, false, start, index);
  }

  /** Reports an attempt's outcome to its breaker and listeners. */
  private void finish(
      CallGuard guard,
      Target t,
      HttpCall call,
      int status,
      Throwable failure,
      boolean cancelled,
      long start,
      int index) {
    HttpClientEvent.Outcome outcome;
    if (cancelled) {
      outcome = HttpClientEvent.Outcome.CANCELLED;
      if (guard != null) {
        guard.release();
      }
    } else if (failure != null || status >= 500) {
      outcome = HttpClientEvent.Outcome.FAILURE;
      if (guard != null) {
        if (failure != null) {
          guard.failure(failure);
        } else {
          guard.failure();
        }
      }
    } else {
      outcome = HttpClientEvent.Outcome.SUCCESS;
      if (guard != null) {
        guard.success();
      }
    }
    publish(t, call, status, outcome, clock.nanoTime() - start, index);
  }

  private void publish(
      Target t, HttpCall call, int status, HttpClientEvent.Outcome outcome, long nanos, int index) {
    if (listeners.isEmpty() && parent.isEmpty()) {
      return;
    }
    HttpClientEvent e =
        new HttpClientEvent.AttemptFinished(
            name,
            clock.instant(),
            t.host().tag(),
            call.method(),
            status,
            outcome,
            Duration.ofNanos(Math.max(0, nanos)),
            index,
            index > 0);
    listeners.publish(e);
    parent.publish(e);
  }

  private <R> RetryableResponseException retryable(R r, int status, HttpResponses<R> responses) {
    Duration after = null;
    try {
      after =
          responses
              .header(r, "Retry-After")
              .flatMap(v -> RetryAfter.parse(v, clock.instant()))
              .orElse(null);
    } catch (RuntimeException e) {
      after = null; // an unreadable header: the policy's backoff
    }
    return new RetryableResponseException(r, status, after);
  }

  private static <R> void discardHeld(
      AtomicReference<RetryableResponseException> held, HttpResponses<R> responses) {
    RetryableResponseException x = held.getAndSet(null);
    if (x != null) {
      @SuppressWarnings("unchecked")
      R r = (R) x.response();
      Holder.discard(responses, r);
    }
  }

  private static <R> void discardPending(AtomicReference<R> pending, HttpResponses<R> responses) {
    Holder.discard(responses, pending.getAndSet(null));
  }

  /** Reads a response's status; a response whose status cannot be read is discarded. */
  private static <R> int statusOrDiscard(HttpResponses<R> responses, R r) {
    try {
      return responses.status(r);
    } catch (RuntimeException e) {
      Holder.discard(responses, r);
      throw e;
    }
  }

  /** The failure of a hedged try whose winning response was discarded before it was taken. */
  private CancellationException winnerDiscarded() {
    return new CancellationException("the winning response of '" + name + "' was discarded");
  }

  private static <R> int safeStatus(HttpResponses<R> responses, R r) {
    try {
      return responses.status(r);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Cancels {@code upstream} when {@code downstream} is cancelled. */
  private static void cancelWith(CompletableFuture<?> downstream, CompletableFuture<?> upstream) {
    downstream.whenComplete(
        (v, e) -> {
          if (downstream.isCancelled()) {
            upstream.cancel(true);
          }
        });
  }

  /** A future's failure without its wrappers, an {@link UncheckedIOException}'s cause included. */
  private static Throwable unwrap(Throwable e) {
    Throwable t = Failures.unwrap(e);
    if (t instanceof UncheckedIOException u && u.getCause() != null) {
      return u.getCause();
    }
    return t;
  }
}
