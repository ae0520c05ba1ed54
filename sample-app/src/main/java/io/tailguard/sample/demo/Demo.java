package io.tailguard.sample.demo;

import io.tailguard.core.circuitbreaker.CircuitBreakerRegistry;
import io.tailguard.core.circuitbreaker.CircuitEvent;
import io.tailguard.core.event.Subscription;
import io.tailguard.core.hedge.HedgeMetrics;
import io.tailguard.core.hedge.HedgerRegistry;
import io.tailguard.core.http.HttpClientEvent;
import io.tailguard.core.http.HttpClientRegistry;
import io.tailguard.core.ratelimiter.RateLimitConfig;
import io.tailguard.core.ratelimiter.RateLimiterRegistry;
import io.tailguard.sample.catalog.CatalogReplicas;
import io.tailguard.sample.catalog.CatalogService;
import io.tailguard.sample.demo.DemoReport.HealthChange;
import io.tailguard.sample.demo.DemoReport.KeyCounts;
import io.tailguard.sample.demo.DemoReport.Latency;
import io.tailguard.sample.demo.DemoReport.Transition;
import io.tailguard.sample.downstream.Downstream;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives load against the running application over HTTP, in four phases, and reports what hedging,
 * the breaker, the rate limiter and the configured HTTP client did:
 *
 * <ol>
 *   <li>hedging (40% of the duration): the downstream gets a heavy tail; an open-loop load
 *       generator sends {@code demo.rate} pairs of calls a second, each pair one hedged {@code
 *       /quotes} call and one unhedged {@code /baseline/quotes} call, and the latencies and
 *       downstream requests of both are compared, after a warm-up ({@code demo.warmup}, at most a
 *       third of the phase) measured in neither;
 *   <li>outage (30%, longer if the breaker has not opened or not closed again yet, at most 30 s
 *       more): the downstream fails every request for a while; the {@code quotes} breaker's
 *       transitions, the answers and the overall health are recorded;
 *   <li>rate limits (15%): three API keys call {@code /search}: one about 100 times a second, one
 *       in a single burst, one once a second;
 *   <li>replica hedging (15%): the same open-loop load of pairs against the catalog's two replicas,
 *       each pair one {@code /catalog} call (the configured client {@code catalog}: hedged from
 *       replica a to replica b, retried, a breaker per replica) and one {@code /baseline/catalog}
 *       call (a plain {@code RestClient} to replica a), with a warm-up as in the first phase; the
 *       replicas keep the profiles {@code sample.catalog} gave them (replica a stalls now and
 *       then).
 * </ol>
 *
 * <p>A progress line shows while it runs. The downstream's profile is put back at the end.
 *
 * <p>One run at a time: not thread-safe. Each phase's client threads end before the next phase.
 */
public final class Demo {

  /** How often the progress line is printed on a terminal; elsewhere, every 5 of these. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** Pause of each client between outage-phase requests: a steady trickle, not a flood of 503s. */
  static final Duration OUTAGE_PACE = Duration.ofMillis(20);

  /** Pause of the greedy API key between requests: about 100 a second, far over its limit. */
  static final Duration GREEDY_PACE = Duration.ofMillis(10);

  /** Threads sending the hedging phase's calls. */
  static final int SENDERS = 64;

  /** Longest the outage phase waits past its share for the breaker to close. */
  static final Duration RECOVERY_GRACE = Duration.ofSeconds(30);

  /** Longest the outage phase waits, once the breaker has closed, for health to be UP again. */
  static final Duration HEALTH_GRACE = Duration.ofSeconds(5);

  private final URI base;
  private final Downstream downstream;
  private final CatalogReplicas catalog;
  private final HttpClientRegistry httpClients;
  private final CircuitBreakerRegistry breakers;
  private final HedgerRegistry hedgers;
  private final RateLimiterRegistry limiters;
  private final DemoProperties properties;
  private final PrintStream out;
  private final HttpClient http;
  private final JsonMapper json = JsonMapper.builder().build();

  // Progress, written by the client threads and read by the ticker.
  private volatile String phase = "starting";
  private final LongAdder requests = new LongAdder();
  private final LongAdder serverErrors = new LongAdder();
  private final LongAdder limited = new LongAdder();
  private final long startNanos = System.nanoTime();

  /**
   * Creates a demo.
   *
   * @param base the application's base URL
   * @param downstream the embedded downstream, whose profile the demo changes
   * @param catalog the catalog's replicas, whose requests it counts
   * @param httpClients the configured HTTP clients, whose attempts it counts
   * @param breakers the breakers, whose transitions it records
   * @param hedgers the hedgers, whose counts it reports
   * @param limiters the rate limiters, whose limit it reports
   * @param properties the demo's settings
   * @param out where the progress line and the report go
   */
  public Demo(
      URI base,
      Downstream downstream,
      CatalogReplicas catalog,
      HttpClientRegistry httpClients,
      CircuitBreakerRegistry breakers,
      HedgerRegistry hedgers,
      RateLimiterRegistry limiters,
      DemoProperties properties,
      PrintStream out) {
    if (properties.getDuration().toMillis() < 1000) {
      throw new IllegalArgumentException(
          "demo.duration must be at least 1s, was " + properties.getDuration());
    }
    if (properties.getRate() < 1 || properties.getRate() > 1000) {
      throw new IllegalArgumentException(
          "demo.rate must be in [1, 1000], was " + properties.getRate());
    }
    this.base = base;
    this.downstream = downstream;
    this.catalog = catalog;
    this.httpClients = httpClients;
    this.breakers = breakers;
    this.hedgers = hedgers;
    this.limiters = limiters;
    this.properties = properties;
    this.out = out;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * Runs the four phases and returns the report.
   *
   * @return what was measured
   * @throws InterruptedException if interrupted; the downstream's profile is put back
   */
  public DemoReport run() throws InterruptedException {
    DownstreamProfile before = downstream.profile();
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-progress");
              t.setDaemon(true);
              return t;
            });
    boolean terminal = System.console() != null;
    long every = terminal ? TICK.toMillis() : TICK.toMillis() * 5;
    ticker.scheduleAtFixedRate(() -> progress(terminal), every, every, TimeUnit.MILLISECONDS);
    try {
      long total = properties.getDuration().toNanos();
      out.printf(
          Locale.ROOT,
          "Tailguard demo: driving load against %s for about %s (hedging, an outage, rate"
              + " limits, replica hedging)...%n",
          base,
          DemoReport.secs(properties.getDuration()));
      DemoReport.Hedging hedging = hedging(total * 40 / 100);
      DemoReport.Outage outage = outage(total * 30 / 100);
      DemoReport.RateLimits rateLimits = rateLimits(total * 15 / 100);
      DemoReport.Replicas replicas = replicaHedging(total * 15 / 100);
      ticker.shutdownNow();
      ticker.awaitTermination(5, TimeUnit.SECONDS);
      progress(terminal);
      out.println();
      return new DemoReport(
          base.toString(),
          Duration.ofNanos(System.nanoTime() - startNanos),
          hedging,
          outage,
          rateLimits,
          replicas);
    } finally {
      ticker.shutdownNow();
      downstream.set(before);
    }
  }

  private void progress(boolean terminal) {
    String line =
        String.format(
            Locale.ROOT,
            "[demo %3ds/%ds] %-12s %,9d requests %,7d x 5xx %,7d x 429",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos),
            properties.getDuration().toSeconds(),
            phase,
            requests.sum(),
            serverErrors.sum(),
            limited.sum());
    if (terminal) {
      out.print("\r" + line);
      out.flush();
    } else {
      out.println(line);
    }
  }

  // ---------------------------------------------------------------- hedging

  private DemoReport.Hedging hedging(long lengthNanos) throws InterruptedException {
    phase = "hedge";
    DownstreamProfile tail =
        new DownstreamProfile(
            properties.getP50Ms(),
            properties.getTailMs(),
            properties.getTailProbability(),
            0,
            false);
    downstream.set(tail);
    long start = System.nanoTime();
    Arm hedged = new Arm();
    Arm unhedged = new Arm();
    AtomicReference<Downstream.Stats> before = new AtomicReference<>();
    AtomicReference<HedgeMetrics> hedgeBefore = new AtomicReference<>();
    long warmupNanos =
        openLoop(
            lengthNanos,
            n -> "/quotes/H" + n,
            hedged,
            n -> "/baseline/quotes/B" + n,
            unhedged,
            () -> {
              before.set(downstream.stats());
              hedgeBefore.set(hedgers.hedger("quotes").metrics());
            });
    Downstream.Stats after = downstream.stats();
    HedgeMetrics hedgeAfter = hedgers.hedger("quotes").metrics();
    return new DemoReport.Hedging(
        Duration.ofNanos(System.nanoTime() - start),
        Duration.ofNanos(warmupNanos),
        properties.getRate(),
        tail,
        unhedged.latency(after.of("quotes-baseline") - before.get().of("quotes-baseline")),
        hedged.latency(after.of("quotes") - before.get().of("quotes")),
        hedgeAfter.hedges() - hedgeBefore.get().hedges(),
        hedgeAfter.hedgeWins() - hedgeBefore.get().hedgeWins(),
        hedgeAfter.budgetExhausted() - hedgeBefore.get().budgetExhausted(),
        hedgers.hedger("quotes").config().budget().maxExtraLoad());
  }

  /**
   * Sends a pair of calls every {@code 1/demo.rate} s for {@code lengthNanos}, open loop (without
   * waiting for earlier answers, so the offered load does not depend on latency), the first of each
   * pair to {@code firstPath} and the second to {@code secondPath}, and waits for the last answers.
   * Calls of the warm-up ({@code demo.warmup}, at most a third of the length) are measured in
   * neither arm: the JIT, the connection pools and the hedgers' delays (learnt from windows that
   * remember the cold start) settle. {@code atMeasureStart} runs once, when measuring starts (or at
   * the end if it never did), after the warm-up's calls have ended.
   *
   * @return the warm-up's length
   */
  private long openLoop(
      long lengthNanos,
      LongFunction<String> firstPath,
      Arm first,
      LongFunction<String> secondPath,
      Arm second,
      Runnable atMeasureStart)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + lengthNanos;
    long warmupNanos = Math.min(properties.getWarmup().toNanos(), lengthNanos / 3);
    long measureFrom = start + warmupNanos;
    long interval = Math.max(1, TimeUnit.SECONDS.toNanos(1) / properties.getRate());
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    boolean measuring = false;
    long next = start;
    // Enough senders for the calls in flight (a few dozen at this load, a tail call taking up to
    // 4 s). Blocking sends, as in the other phases: the client reuses their connections.
    ExecutorService senders = clientPool(SENDERS);
    try {
      for (long n = 0; next < end && !Thread.currentThread().isInterrupted(); n++) {
        boolean measured = next >= measureFrom;
        if (measured && !measuring) {
          // The warm-up's calls still in flight would reach the downstream after the snapshot and
          // be counted against the measured calls (on a busy machine, a quarter more requests per
          // call): let them end first, then go on from now.
          awaitAll(inFlight);
          inFlight.clear();
          atMeasureStart.run();
          measuring = true;
          long pause = System.nanoTime() - next;
          if (pause > 0) {
            next += pause;
            end += pause;
          }
        }
        inFlight.add(first.call(senders, firstPath.apply(n), measured));
        inFlight.add(second.call(senders, secondPath.apply(n), measured));
        inFlight.removeIf(CompletableFuture::isDone);
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      awaitAll(inFlight);
    } finally {
      senders.shutdownNow();
      senders.awaitTermination(30, TimeUnit.SECONDS);
    }
    if (!measuring) {
      atMeasureStart.run();
    }
    return warmupNanos;
  }

  /** Waits for calls to end (each at most 60 s); their errors are counted by their arm. */
  private static void awaitAll(List<CompletableFuture<?>> calls) throws InterruptedException {
    for (CompletableFuture<?> f : calls) {
      try {
        f.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // counted as an error by the arm
      }
    }
  }

  /** The calls of one endpoint: latencies of those answered 200, and a count of the others. */
  private final class Arm {
    final Histogram micros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
    final LongAdder errors = new LongAdder();

    /** Sends one call on {@code senders}; its outcome is recorded if {@code measured}. */
    CompletableFuture<?> call(ExecutorService senders, String path, boolean measured) {
      return CompletableFuture.runAsync(
          () -> {
            long t0 = System.nanoTime();
            Answer a = get(path, null);
            long us = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            if (!measured) {
              return;
            }
            if (a.status() == 200) {
              micros.recordValue(Math.min(us, micros.getHighestTrackableValue()));
            } else {
              errors.increment();
            }
          },
          senders);
    }

    Latency latency(long downstreamRequests) {
      return new Latency(
          micros.getTotalCount() + errors.sum(),
          errors.sum(),
          micros.getValueAtPercentile(50),
          micros.getValueAtPercentile(99),
          micros.getValueAtPercentile(99.9),
          downstreamRequests);
    }
  }

  // ---------------------------------------------------------------- outage

  private DemoReport.Outage outage(long lengthNanos) throws InterruptedException {
    phase = "steady";
    DownstreamProfile calm = calm();
    downstream.set(calm);
    long start = System.nanoTime();
    List<Transition> transitions = new CopyOnWriteArrayList<>();
    Subscription subscription =
        breakers.subscribe(
            e -> {
              if (e instanceof CircuitEvent.StateTransition t && t.name().equals("quotes")) {
                transitions.add(
                    new Transition(
                        since(start), t.from().name(), t.to().name(), t.reason().name()));
              }
            });
    LongAdder ok = new LongAdder();
    LongAdder badGateway = new LongAdder();
    LongAdder refused = new LongAdder();
    LongAdder refusedWithRetryAfter = new LongAdder();
    LongAdder other = new LongAdder();
    List<HealthChange> health = new ArrayList<>();
    long outageStart = start + lengthNanos * 15 / 100;
    long outageEnd = start + lengthNanos / 2;
    long end = start + lengthNanos;
    long hardEnd = end + RECOVERY_GRACE.toNanos();
    AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
    Duration startedAt = null;
    Duration endedAt = null;
    ExecutorService clients = clientPool(2);
    List<Future<?>> running = new ArrayList<>();
    AtomicInteger n = new AtomicInteger();
    try {
      for (int c = 0; c < 2; c++) {
        running.add(
            clients.submit(
                () -> {
                  while (System.nanoTime() < stopAt.get()) {
                    Answer a = get("/quotes/O" + n.incrementAndGet(), null);
                    if (a.status() == 200) {
                      ok.increment();
                    } else if (a.status() == 502) {
                      badGateway.increment();
                    } else if (a.status() == 503 && a.body().contains("circuit-open")) {
                      refused.increment();
                      if (a.retryAfter().isPresent()) {
                        refusedWithRetryAfter.increment();
                      }
                    } else {
                      other.increment();
                    }
                    pause(OUTAGE_PACE);
                  }
                  return null;
                }));
      }
      String lastHealth = null;
      long closedAt = 0;
      while (true) {
        long now = System.nanoTime();
        boolean opened = transitions.stream().anyMatch(t -> t.to().equals("OPEN"));
        if (startedAt == null && now >= outageStart) {
          downstream.set(withOutage(calm, true));
          startedAt = since(start);
          phase = "outage";
        }
        // The outage lasts its share of the phase, and at least until the breaker has opened.
        if (startedAt != null
            && endedAt == null
            && now >= outageEnd
            && (opened || now >= hardEnd - RECOVERY_GRACE.toNanos() / 2)) {
          downstream.set(calm);
          endedAt = since(start);
          phase = "recovery";
        }
        boolean closed = opened && transitions.get(transitions.size() - 1).to().equals("CLOSED");
        String status = healthStatus();
        if (!status.equals(lastHealth)) {
          health.add(new HealthChange(since(start), status));
          lastHealth = status;
        }
        if (closed && closedAt == 0) {
          closedAt = now;
        }
        // Done once the share is over and the breaker is closed again, and health is back up
        // (or has had a few seconds to be).
        boolean settled =
            !opened || (closed && (status.equals("UP") || now - closedAt > HEALTH_GRACE.toNanos()));
        if (endedAt != null && ((now >= end && settled) || now >= hardEnd)) {
          break;
        }
        pause(Duration.ofMillis(100));
      }
    } finally {
      stopAt.set(0);
      subscription.close();
      await(clients, running);
      downstream.set(calm);
    }
    return new DemoReport.Outage(
        since(start),
        startedAt,
        endedAt,
        List.copyOf(transitions),
        List.copyOf(health),
        ok.sum(),
        badGateway.sum(),
        refused.sum(),
        refusedWithRetryAfter.sum(),
        other.sum());
  }

  private static DownstreamProfile withOutage(DownstreamProfile p, boolean outage) {
    return new DownstreamProfile(
        p.p50Ms(), p.tailMs(), p.tailProbability(), p.failureRate(), outage);
  }

  private DownstreamProfile calm() {
    return new DownstreamProfile(properties.getP50Ms(), properties.getTailMs(), 0.01, 0, false);
  }

  private String healthStatus() {
    Answer a = get("/actuator/health", null);
    try {
      return json.readTree(a.body()).path("status").asString("UNKNOWN");
    } catch (RuntimeException notJson) {
      return "UNKNOWN";
    }
  }

  private Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  // ---------------------------------------------------------------- rate limits

  private DemoReport.RateLimits rateLimits(long lengthNanos) throws InterruptedException {
    phase = "rate limits";
    downstream.set(
        new DownstreamProfile(properties.getP50Ms(), properties.getTailMs(), 0, 0, false));
    RateLimitConfig limit = limiters.limiter("search").config();
    long start = System.nanoTime();
    long end = start + lengthNanos;
    Key greedy = new Key("greedy", "100 a second");
    Key bursty =
        new Key("bursty", limit.capacity() + limit.capacity() / 2 + " at once, then stops");
    Key steady = new Key("steady", "one a second");
    ExecutorService clients = clientPool(3);
    List<Future<?>> running = new ArrayList<>();
    try {
      running.add(
          clients.submit(
              () -> {
                while (System.nanoTime() < end) {
                  greedy.search();
                  pause(GREEDY_PACE);
                }
                return null;
              }));
      running.add(
          clients.submit(
              () -> {
                for (int i = 0; i < limit.capacity() + limit.capacity() / 2; i++) {
                  bursty.search();
                }
                return null;
              }));
      running.add(
          clients.submit(
              () -> {
                long next = System.nanoTime();
                while (next < end) {
                  steady.search();
                  next += TimeUnit.SECONDS.toNanos(1);
                  pause(Duration.ofNanos(Math.max(0, Math.min(next, end) - System.nanoTime())));
                }
                return null;
              }));
    } finally {
      await(clients, running);
    }
    return new DemoReport.RateLimits(
        since(start),
        limit.capacity(),
        limit.window(),
        List.of(greedy.counts(), bursty.counts(), steady.counts()));
  }

  /** One API key's calls. */
  private final class Key {
    final String key;
    final String behaviour;
    final LongAdder sent = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder refused = new LongAdder();
    final AtomicLong firstRetryAfter = new AtomicLong();

    Key(String key, String behaviour) {
      this.key = key;
      this.behaviour = behaviour;
    }

    void search() {
      Answer a = get("/search?q=demo", key);
      sent.increment();
      if (a.status() == 200) {
        ok.increment();
      } else if (a.status() == 429) {
        refused.increment();
        a.retryAfter().ifPresent(s -> firstRetryAfter.compareAndSet(0, s));
      }
    }

    KeyCounts counts() {
      return new KeyCounts(
          key, behaviour, sent.sum(), ok.sum(), refused.sum(), firstRetryAfter.get());
    }
  }

  // ---------------------------------------------------------------- replica hedging

  private DemoReport.Replicas replicaHedging(long lengthNanos) throws InterruptedException {
    phase = "replicas";
    Downstream a = catalog.replica("a");
    Downstream b = catalog.replica("b");
    long start = System.nanoTime();
    Arm configured = new Arm();
    Arm plain = new Arm();
    AtomicReference<Downstream.Stats> aBefore = new AtomicReference<>();
    AtomicReference<Downstream.Stats> bBefore = new AtomicReference<>();
    // The configured client's attempts once measuring has started: hedges, their wins, the losers
    // cancelled and the attempts an open breaker refused.
    AtomicBoolean measuring = new AtomicBoolean();
    LongAdder hedges = new LongAdder();
    LongAdder hedgeWins = new LongAdder();
    LongAdder cancelled = new LongAdder();
    LongAdder rejected = new LongAdder();
    Subscription events =
        httpClients
            .client(CatalogService.CLIENT)
            .subscribe(
                e -> {
                  if (!measuring.get() || !(e instanceof HttpClientEvent.AttemptFinished attempt)) {
                    return;
                  }
                  if (attempt.hedge()) {
                    hedges.increment();
                    if (attempt.outcome() == HttpClientEvent.Outcome.SUCCESS) {
                      hedgeWins.increment();
                    }
                  }
                  if (attempt.outcome() == HttpClientEvent.Outcome.CANCELLED) {
                    cancelled.increment();
                  } else if (attempt.outcome() == HttpClientEvent.Outcome.REJECTED) {
                    rejected.increment();
                  }
                });
    long warmupNanos;
    try {
      warmupNanos =
          openLoop(
              lengthNanos,
              n -> "/catalog/C" + n,
              configured,
              n -> "/baseline/catalog/P" + n,
              plain,
              () -> {
                aBefore.set(a.stats());
                bBefore.set(b.stats());
                measuring.set(true);
              });
    } finally {
      events.close();
    }
    Downstream.Stats aAfter = a.stats();
    Downstream.Stats bAfter = b.stats();
    String c = CatalogService.CLIENT;
    String p = CatalogService.PLAIN;
    long configuredToA = aAfter.of(c) - aBefore.get().of(c);
    long configuredToB = bAfter.of(c) - bBefore.get().of(c);
    long plainToA = aAfter.of(p) - aBefore.get().of(p);
    long plainToB = bAfter.of(p) - bBefore.get().of(p);
    return new DemoReport.Replicas(
        Duration.ofNanos(System.nanoTime() - start),
        Duration.ofNanos(warmupNanos),
        properties.getRate(),
        a.profile(),
        b.profile(),
        plain.latency(plainToA + plainToB),
        configured.latency(configuredToA + configuredToB),
        plainToA,
        plainToB,
        configuredToA,
        configuredToB,
        hedges.sum(),
        hedgeWins.sum(),
        cancelled.sum(),
        rejected.sum());
  }

  // ---------------------------------------------------------------- plumbing

  /** An answer: its status (-1 if the request failed), body and Retry-After seconds. */
  private record Answer(int status, String body, Optional<Long> retryAfter) {}

  private Answer get(String path, String apiKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (apiKey != null) {
      request.header("X-Api-Key", apiKey);
    }
    requests.increment();
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 500) {
        serverErrors.increment();
      } else if (r.statusCode() == 429) {
        limited.increment();
      }
      return new Answer(
          r.statusCode(), r.body(), r.headers().firstValue("Retry-After").map(Demo::parseLong));
    } catch (IOException e) {
      serverErrors.increment();
      return new Answer(-1, "", Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "", Optional.empty());
    }
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  private static ExecutorService clientPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, "demo-client-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private static void await(ExecutorService clients, List<Future<?>> running)
      throws InterruptedException {
    try {
      for (Future<?> f : running) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a demo client failed", e.getCause());
    } finally {
      clients.shutdownNow();
      clients.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  /** Paces the load: this is the load generator's think time, not a wait for a result. */
  private static void pause(Duration d) {
    try {
      TimeUnit.NANOSECONDS.sleep(d.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
