package io.tailguard.sample.demo;

import io.tailguard.sample.downstream.DownstreamProfile;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the demo measured, and its rendering as a readable report. Immutable.
 *
 * @param target the application's base URL
 * @param elapsed how long the demo ran
 * @param hedging the hedging phase
 * @param outage the outage phase
 * @param rateLimits the rate-limit phase
 * @param replicas the replica-hedging phase
 */
public record DemoReport(
    String target,
    Duration elapsed,
    Hedging hedging,
    Outage outage,
    RateLimits rateLimits,
    Replicas replicas) {

  /**
   * Latencies of one endpoint, as the demo's clients saw them.
   *
   * @param calls calls made
   * @param errors calls not answered 200
   * @param p50Micros median latency
   * @param p99Micros 99th percentile latency
   * @param p999Micros 99.9th percentile latency
   * @param downstreamRequests requests the downstream received for these calls
   */
  public record Latency(
      long calls,
      long errors,
      long p50Micros,
      long p99Micros,
      long p999Micros,
      long downstreamRequests) {

    /**
     * Downstream requests per call.
     *
     * @return the ratio, 0 without calls
     */
    public double requestsPerCall() {
      return calls == 0 ? 0 : (double) downstreamRequests / calls;
    }
  }

  /**
   * The hedging phase: the same calls with and without hedging, against a downstream with a heavy
   * tail.
   *
   * @param length how long it ran, warm-up included
   * @param warmup its start, measured in neither arm
   * @param rate pairs of calls sent per second
   * @param profile the downstream's profile
   * @param without {@code /baseline/quotes}, not hedged
   * @param with {@code /quotes}, hedged
   * @param hedges hedges the hedger sent
   * @param hedgeWins calls a hedge answered
   * @param budgetRefusals hedges the budget refused
   * @param maxExtraLoad the {@code quotes} hedger's configured {@code budget.max-extra-load}
   */
  public record Hedging(
      Duration length,
      Duration warmup,
      int rate,
      DownstreamProfile profile,
      Latency without,
      Latency with,
      long hedges,
      long hedgeWins,
      long budgetRefusals,
      double maxExtraLoad) {

    /** The target: p99.9 at least this many times lower, within the configured extra load. */
    public static final double TARGET_CUT = 15;

    /**
     * How many times lower p99.9 is with hedging.
     *
     * @return the ratio, 0 without data
     */
    public double cut() {
      return without.p999Micros() <= 0 || with.p999Micros() <= 0
          ? 0
          : (double) without.p999Micros() / with.p999Micros();
    }

    /**
     * Whether hedging met the target: p99.9 at least {@link #TARGET_CUT} times lower, for at most
     * the configured extra load.
     *
     * @return true if it did
     */
    public boolean passed() {
      return cut() >= TARGET_CUT && extraLoad() <= maxExtraLoad;
    }

    /**
     * Extra downstream load of the hedged calls over the unhedged ones.
     *
     * @return for example 0.08 for 8% more requests per call
     */
    public double extraLoad() {
      double base = without.requestsPerCall();
      return base == 0 ? 0 : with.requestsPerCall() / base - 1;
    }
  }

  /**
   * A breaker transition.
   *
   * @param at when, from the start of the phase
   * @param from the previous state
   * @param to the new state
   * @param reason why
   */
  public record Transition(Duration at, String from, String to, String reason) {}

  /**
   * A change of the application's overall health ({@code /actuator/health}).
   *
   * @param at when it was seen, from the start of the phase
   * @param status the new status
   */
  public record HealthChange(Duration at, String status) {}

  /**
   * The outage phase: the downstream answers 503 for a while, then recovers.
   *
   * @param length how long it ran
   * @param outageStart when the outage began, from the start of the phase
   * @param outageEnd when it ended
   * @param transitions the {@code quotes} breaker's transitions
   * @param health changes of the overall health
   * @param ok calls answered 200
   * @param badGateway calls answered 502: downstream errors that got through every retry
   * @param refused calls answered 503 by the open breaker
   * @param refusedWithRetryAfter of those, how many carried {@code Retry-After}
   * @param other calls answered anything else
   */
  public record Outage(
      Duration length,
      Duration outageStart,
      Duration outageEnd,
      List<Transition> transitions,
      List<HealthChange> health,
      long ok,
      long badGateway,
      long refused,
      long refusedWithRetryAfter,
      long other) {

    /**
     * Whether the breaker opened during the phase.
     *
     * @return true if it did
     */
    public boolean opened() {
      return transitions.stream().anyMatch(t -> t.to().equals("OPEN"));
    }

    /**
     * Whether the breaker was closed again at the end of the phase, after having opened.
     *
     * @return true if it was
     */
    public boolean closedAfter() {
      return opened() && transitions.get(transitions.size() - 1).to().equals("CLOSED");
    }
  }

  /**
   * What one API key got.
   *
   * @param key the key
   * @param behaviour how it sent its requests
   * @param requests requests sent
   * @param ok answered 200
   * @param limited answered 429
   * @param retryAfterSeconds the {@code Retry-After} of its first 429, 0 if none
   */
  public record KeyCounts(
      String key, String behaviour, long requests, long ok, long limited, long retryAfterSeconds) {}

  /**
   * The rate-limit phase: three API keys against one limit per key.
   *
   * @param length how long it ran
   * @param capacity permits per window and key
   * @param window the window
   * @param keys what each key got
   */
  public record RateLimits(Duration length, int capacity, Duration window, List<KeyCounts> keys) {}

  /**
   * The replica-hedging phase: the same calls through a plain {@code RestClient} to replica a and
   * through the configured client {@code catalog} (hedged to replica b), against replicas of which
   * one stalls now and then.
   *
   * @param length how long it ran, warm-up included
   * @param warmup its start, measured in neither arm
   * @param rate pairs of calls sent per second
   * @param replicaA replica a's profile
   * @param replicaB replica b's profile
   * @param plain {@code /baseline/catalog}, through the plain client
   * @param configured {@code /catalog}, through the configured client
   * @param plainToA requests of the plain client that reached replica a
   * @param plainToB requests of the plain client that reached replica b
   * @param configuredToA requests of the configured client that reached replica a
   * @param configuredToB requests of the configured client that reached replica b
   * @param hedges attempts the configured client sent as hedges
   * @param hedgeWins hedges that answered their call
   * @param cancelled attempts cancelled because another one answered first
   * @param rejected attempts an open breaker refused (sent to the other replica instead)
   */
  public record Replicas(
      Duration length,
      Duration warmup,
      int rate,
      DownstreamProfile replicaA,
      DownstreamProfile replicaB,
      Latency plain,
      Latency configured,
      long plainToA,
      long plainToB,
      long configuredToA,
      long configuredToB,
      long hedges,
      long hedgeWins,
      long cancelled,
      long rejected) {

    /**
     * Requests of the configured client beyond one per call (hedges and retries), as a share of its
     * calls.
     *
     * @return for example 0.05 for 5 extra attempts per 100 calls
     */
    public double extraAttempts() {
      long calls = configured.calls();
      return calls == 0 ? 0 : (double) (configuredToA + configuredToB - calls) / calls;
    }
  }

  /**
   * The report as text.
   *
   * @return the report
   */
  public String render() {
    StringBuilder b = new StringBuilder();
    line(b, "");
    line(b, "=== Tailguard demo: %s against %s ===", secs(elapsed), target);

    Hedging h = hedging;
    line(b, "");
    line(
        b,
        "1. Hedging (%s, the first %s not measured; downstream: median %s ms, %s of requests %s ms"
            + " or more)",
        secs(h.length()),
        secs(h.warmup()),
        num(h.profile().p50Ms()),
        pct(h.profile().tailProbability()),
        num(h.profile().tailMs()));
    line(
        b,
        "   Open loop: %d pairs of calls a second, one hedged and one not, sent without waiting.",
        h.rate());
    latencyHeader(b, "downstream requests");
    latency(b, "without hedging", h.without(), Long.toString(h.without().downstreamRequests()));
    latency(b, "with hedging", h.with(), Long.toString(h.with().downstreamRequests()));
    tailCut(b, "Hedging", h.without(), h.with());
    line(
        b,
        "   for %s extra downstream load, configured max-extra-load %s (%d hedges sent, %d won the"
            + " race; %d refused by the budget).",
        pct(h.extraLoad()),
        pct(h.maxExtraLoad()),
        h.hedges(),
        h.hedgeWins(),
        h.budgetRefusals());
    line(
        b,
        "   %s: p99.9 cut %.1fx (target >= %.0fx) at %s extra load (target <= %s).%s",
        h.passed() ? "PASS" : "FAIL",
        h.cut(),
        Hedging.TARGET_CUT,
        pct(h.extraLoad()),
        pct(h.maxExtraLoad()),
        Math.min(h.with().calls(), h.without().calls()) < 10_000
            ? System.lineSeparator()
                + "   Few calls: p99.9 of "
                + Math.min(h.with().calls(), h.without().calls())
                + " calls rests on the slowest "
                + Math.max(1, Math.min(h.with().calls(), h.without().calls()) / 1000)
                + "; take 10,000 or more (demo.duration, demo.rate)."
            : "");

    Outage o = outage;
    line(b, "");
    line(
        b,
        "2. Circuit breaker 'quotes' (%s; outage injected from %s to %s)",
        secs(o.length()),
        at(o.outageStart()),
        at(o.outageEnd()));
    line(
        b,
        "   %8s  outage starts: the downstream answers every request with 503",
        at(o.outageStart()));
    for (Transition t : o.transitions()) {
      if (t.at().compareTo(o.outageEnd()) > 0 && o.outageEnd().compareTo(o.outageStart()) > 0) {
        continue;
      }
      line(b, "   %8s  breaker %s -> %s (%s)", at(t.at()), t.from(), t.to(), t.reason());
    }
    line(b, "   %8s  outage ends", at(o.outageEnd()));
    for (Transition t : o.transitions()) {
      if (t.at().compareTo(o.outageEnd()) > 0) {
        line(b, "   %8s  breaker %s -> %s (%s)", at(t.at()), t.from(), t.to(), t.reason());
      }
    }
    line(
        b,
        "   Answers: %d x 200, %d x 502 (downstream errors after retries, before the breaker"
            + " opened),",
        o.ok(),
        o.badGateway());
    line(
        b,
        "            %d x 503 from the open breaker (%d with Retry-After)%s",
        o.refused(),
        o.refusedWithRetryAfter(),
        o.other() > 0 ? ", " + o.other() + " other" : "");
    if (!o.health().isEmpty()) {
      StringBuilder health = new StringBuilder();
      for (HealthChange c : o.health()) {
        health
            .append(health.length() == 0 ? "" : ", ")
            .append(c.status())
            .append(" at ")
            .append(at(c.at()));
      }
      line(b, "   /actuator/health: %s", health);
    }
    line(
        b,
        "   %s",
        o.closedAfter()
            ? "The breaker opened during the outage and closed after it."
            : o.opened()
                ? "The breaker opened but had not closed again when the phase ended."
                : "The breaker did not open.");

    RateLimits r = rateLimits;
    line(b, "");
    line(
        b,
        "3. Rate limit 'search': %d requests per %s per API key (%s)",
        r.capacity(),
        secs(r.window()),
        secs(r.length()));
    line(b, "   %-8s %-32s %9s %7s %7s", "API key", "sends", "requests", "200", "429");
    for (KeyCounts k : r.keys()) {
      line(
          b,
          "   %-8s %-32s %9d %7d %7d%s",
          k.key(),
          k.behaviour(),
          k.requests(),
          k.ok(),
          k.limited(),
          k.retryAfterSeconds() > 0 ? "   (Retry-After: " + k.retryAfterSeconds() + " s)" : "");
    }
    line(b, "   Each key has a limit of its own: one greedy client cannot starve the others.");

    Replicas x = replicas;
    line(b, "");
    line(
        b,
        "4. Replica hedging: client 'catalog' over replicas a and b (%s, the first %s not"
            + " measured;",
        secs(x.length()),
        secs(x.warmup()));
    line(
        b,
        "   both: median %s ms; replica a: %s of requests stall %s ms more, replica b: %s)",
        num(x.replicaA().p50Ms()),
        pct(x.replicaA().slowRate()),
        num(x.replicaA().slowMs()),
        x.replicaB().slowRate() > 0
            ? pct(x.replicaB().slowRate()) + " stall " + num(x.replicaB().slowMs()) + " ms more"
            : "no stalls");
    line(
        b,
        "   Open loop: %d pairs of calls a second, one through a plain RestClient to replica a,"
            + " one",
        x.rate());
    line(
        b,
        "   through the configured client (no annotation): hedge to b, retry, a breaker per"
            + " replica.");
    latencyHeader(b, "requests to a + b");
    latency(b, "plain RestClient", x.plain(), x.plainToA() + " + " + x.plainToB());
    latency(b, "configured client", x.configured(), x.configuredToA() + " + " + x.configuredToB());
    tailCut(b, "The client", x.plain(), x.configured());
    line(
        b,
        "   for %s extra attempts (%d to replica a, %d to replica b beyond one per call).",
        pct(x.extraAttempts()),
        Math.max(0, x.configuredToA() - x.configured().calls()),
        x.configuredToB());
    line(
        b,
        "   Hedges: %d sent, %d won the race; %d losing attempts cancelled; %d refused by an open"
            + " breaker.",
        x.hedges(),
        x.hedgeWins(),
        x.cancelled(),
        x.rejected());
    line(b, "");
    return b.toString();
  }

  /** The heading of a latency table whose last column counts {@code requests}. */
  private static void latencyHeader(StringBuilder b, String requests) {
    line(b, "   %-18s %8s %9s %9s %9s   %s", "", "calls", "p50", "p99", "p99.9", requests);
  }

  /** A latency table row; {@code requests} is the request count as the phase shows it. */
  private static void latency(StringBuilder b, String label, Latency l, String requests) {
    line(
        b,
        "   %-18s %8d %9s %9s %9s   %s (%.2f per call)%s",
        label,
        l.calls(),
        ms(l.p50Micros()),
        ms(l.p99Micros()),
        ms(l.p999Micros()),
        requests,
        l.requestsPerCall(),
        l.errors() > 0 ? ", " + l.errors() + " errors" : "");
  }

  /** How far {@code who} took p99 and p99.9 from {@code before} to {@code after}. */
  private static void tailCut(StringBuilder b, String who, Latency before, Latency after) {
    line(
        b,
        "   %s took p99 from %s to %s (%s) and p99.9 from %s to %s (%s),",
        who,
        ms(before.p99Micros()),
        ms(after.p99Micros()),
        ratio(before.p99Micros(), after.p99Micros()),
        ms(before.p999Micros()),
        ms(after.p999Micros()),
        ratio(before.p999Micros(), after.p999Micros()));
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }

  static String ms(long micros) {
    return micros >= 10_000
        ? String.format(Locale.ROOT, "%d ms", Math.round(micros / 1000.0))
        : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }

  static String secs(Duration d) {
    return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
  }

  static String at(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
  }

  static String ratio(long before, long after) {
    if (after <= 0 || before <= 0) {
      return "no data";
    }
    double r = (double) before / after;
    return r >= 1
        ? String.format(Locale.ROOT, "%.1fx lower", r)
        : String.format(Locale.ROOT, "%.1fx higher", 1 / r);
  }
}
