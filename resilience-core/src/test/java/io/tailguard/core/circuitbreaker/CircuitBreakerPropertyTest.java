package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.circuitbreaker.CircuitEvent.StateTransition;
import io.tailguard.core.circuitbreaker.CircuitRejectedException.Reason;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of calls (successes, failures, slow calls, classified and ignored exceptions,
 * releases and cancellations, some held across other steps), clock advances, reconfigurations and
 * operator actions, run against the breaker and against a plain reference model of {@code
 * docs/circuit-breaker.md}. After every step the two agree on the state, the window counts, the run
 * of consecutive failures, the lifetime totals, the half-open trial counters, the remaining
 * cooldown, the health status, every refusal with its reason and retry-after, and the list of
 * transitions with their reasons.
 *
 * <p>The model keeps the adaptive threshold off, {@code minHealthScore} and {@code
 * criticalHealthScore} at 0 and the weighting SLIDING: those are covered by their own unit tests.
 */
class CircuitBreakerPropertyTest {

  private static AutoCloseable logsOff;

  @BeforeContainer
  static void silenceTransitionLogs() {
    logsOff = TestLogs.off(CircuitBreaker.class); // thousands of transitions per run
  }

  @AfterContainer
  static void restoreTransitionLogs() throws Exception {
    logsOff.close();
  }

  // ---------------------------------------------------------------------------------------------
  // The property

  // A fixed seed, as the other property tests have: the coverage check below is statistical (about
  // 20 trial time-outs a run), and with a seed drawn per run it failed once at 4.
  @Property(tries = 500, seed = "20261207")
  void theBreakerFollowsTheReferenceModel(
      @ForAll("configs") CircuitConfig initial, @ForAll("actions") List<Action> actions) {
    FakeClock clock = new FakeClock();
    CircuitBreaker breaker = CircuitBreaker.builder("model").clock(clock).config(initial).build();
    List<String> events = new ArrayList<>();
    breaker.subscribe(
        e -> {
          if (e instanceof StateTransition t) {
            // An assertion thrown here would be swallowed as a failing listener: record instead.
            String snapshot =
                t.metrics().state() == t.to() ? "" : " with metrics of " + t.metrics();
            events.add(t.from() + " -> " + t.to() + " " + t.reason() + snapshot);
          }
        });
    Model model = new Model(initial, clock.nanoTime());
    List<Held> held = new ArrayList<>();

    for (int i = 0; i < actions.size(); i++) {
      Action action = actions.get(i);
      String step = "step " + i + " " + action;
      if (action instanceof Call c) {
        Held h = acquire(breaker, model, clock, step);
        if (h != null) {
          clock.advanceNanos(c.latencyNanos(model.config));
          report(h, c.report(), breaker, model, clock);
        }
      } else if (action instanceof Begin) {
        if (held.size() < 6) {
          Held h = acquire(breaker, model, clock, step);
          if (h != null) {
            held.add(h);
          }
        }
      } else if (action instanceof Finish f) {
        if (!held.isEmpty()) {
          report(held.remove(f.index() % held.size()), f.report(), breaker, model, clock);
        }
      } else if (action instanceof Advance a) {
        clock.advanceNanos(a.nanos(model, clock.nanoTime()));
      } else if (action instanceof Reconfigure r) {
        CircuitConfig next = r.resolve(model.config);
        breaker.reconfigure(next);
        model.reconfigure(next, clock.nanoTime());
      } else if (action instanceof Operator o) {
        switch (o.op()) {
          case FORCE_OPEN -> breaker.forceOpen();
          case DISABLE -> breaker.disable();
          case CLOSE -> breaker.close();
          case RESET -> breaker.reset();
        }
        model.operator(o.op(), clock.nanoTime());
      }
      assertAgree(breaker, model, events, clock.nanoTime(), step);
    }
    for (Held h : held) {
      report(h, Report.CLOSE, breaker, model, clock);
      assertAgree(breaker, model, events, clock.nanoTime(), "closing a held guard");
    }

    Set<TransitionReason> reasons = EnumSet.noneOf(TransitionReason.class);
    model.reasons.forEach(reasons::add);
    for (TransitionReason r : reasons) {
      Statistics.label("reasons").collect(r);
    }
    Statistics.label("reasons")
        .coverage(
            c -> {
              for (TransitionReason r :
                  List.of(
                      TransitionReason.FAILURE_RATE,
                      TransitionReason.SLOW_CALL_RATE,
                      TransitionReason.CONSECUTIVE_FAILURES,
                      TransitionReason.COOLDOWN_ELAPSED,
                      TransitionReason.TRIAL_SUCCEEDED,
                      TransitionReason.TRIAL_FAILED)) {
                c.check(r).count(n -> n >= 20);
              }
              // Rarer: every permit held past the timeout, then one more acquire (about 20 a run).
              c.check(TransitionReason.TRIAL_TIMED_OUT).count(n -> n >= 5);
            });
  }

  /** Asks both for a permit; they must agree on granting it, or on the refusal. */
  private static Held acquire(CircuitBreaker breaker, Model model, FakeClock clock, String step) {
    CallGuard guard = null;
    CircuitRejectedException refused = null;
    try {
      guard = breaker.acquire();
    } catch (CircuitRejectedException e) {
      refused = e;
    }
    Object expected = model.acquire(clock.nanoTime());
    if (expected instanceof Refusal r) {
      assertThat(refused).as("%s: refused", step).isNotNull();
      assertThat(refused.reason()).as("%s: reason", step).isEqualTo(r.reason());
      assertThat(refused.retryAfter()).as("%s: retryAfter", step).isEqualTo(r.retryAfter());
      return null;
    }
    Permit p = (Permit) expected;
    assertThat(refused).as("%s: permitted in %s", step, model.state).isNull();
    assertThat(guard.isTrial()).as("%s: trial", step).isEqualTo(p.kind() == Kind.TRIAL);
    return new Held(guard, p);
  }

  private static void report(
      Held h, Report report, CircuitBreaker breaker, Model model, FakeClock clock) {
    CallGuard g = h.guard();
    switch (report) {
      case SUCCESS -> g.success();
      case FAILURE -> g.failure();
      case BOOM -> g.failure(new Boom());
      case BIG_BOOM -> g.failure(new BigBoom());
      case OTHER -> g.failure(new Other());
      case CLOSE -> g.close();
      case RELEASE -> g.release();
      case CANCELLED -> g.failure(new CancellationException());
    }
    model.report(h.permit(), report, clock.nanoTime());
  }

  @SuppressWarnings("unchecked")
  private static void assertAgree(
      CircuitBreaker b, Model m, List<String> events, long now, String step) {
    CircuitMetrics x = b.metrics();
    long[] n = m.window.counts(now);
    assertThat(x.state()).as("%s: state", step).isEqualTo(m.state);
    assertThat(
            new long[] {
              x.windowCalls(), x.windowFailures(), x.windowSlowCalls(), x.consecutiveFailures()
            })
        .as("%s: window calls, failures, slow calls, consecutive failures", step)
        .containsExactly(n[0], n[1], n[2], m.window.run);
    assertThat(x.failureRate())
        .as("%s: failure rate", step)
        .isCloseTo(n[0] == 0 ? 0 : (double) n[1] / n[0], within(1e-12));
    assertThat(x.slowCallRate())
        .as("%s: slow-call rate", step)
        .isCloseTo(n[0] == 0 ? 0 : (double) n[2] / n[0], within(1e-12));
    assertThat(
            new long[] {
              x.successfulCalls(),
              x.failedCalls(),
              x.slowCalls(),
              x.ignoredCalls(),
              x.rejectedCalls()
            })
        .as("%s: totals successful, failed, slow, ignored, rejected", step)
        .containsExactly(m.successful, m.failed, m.slow, m.ignored, m.rejected);
    assertThat(x.healthStatus()).as("%s: health", step).isEqualTo(m.health());
    assertThat(b.remainingCooldown())
        .as("%s: remaining cooldown", step)
        .isEqualTo(
            m.state == CircuitState.OPEN
                ? Duration.ofNanos(Math.max(0, m.openUntil - now))
                : Duration.ZERO);
    Map<String, Object> d = b.describe();
    assertThat(d).containsEntry("state", m.state.name()).containsEntry("windowCalls", n[0]);
    if (m.state == CircuitState.HALF_OPEN) {
      assertThat((Map<String, Object>) d.get("halfOpen"))
          .as("%s: trial", step)
          .containsEntry("inFlight", (long) m.inFlight)
          .containsEntry("successes", (long) m.successes)
          .containsEntry("failures", (long) m.failures);
    }
    assertThat(events).as("%s: transitions", step).isEqualTo(m.transitions);
  }

  // ---------------------------------------------------------------------------------------------
  // The reference model

  enum Kind {
    CLOSED,
    TRIAL,
    DISABLED
  }

  /** A permit the model granted: what kind, in which period, counting into which window. */
  record Permit(Kind kind, long generation, Window window, CircuitConfig config, long start) {}

  record Refusal(Reason reason, Duration retryAfter) {}

  record Held(CallGuard guard, Permit permit) {}

  /** A rolling window as the docs describe it: a plain map from bucket epoch to counts. */
  static final class Window {
    final long origin;
    final long width;
    final int size;
    final Map<Long, long[]> buckets = new HashMap<>();
    long run; // consecutive failures

    Window(long origin, CircuitConfig c) {
      this.origin = origin;
      this.width = c.rollingWindow().toNanos() / c.buckets();
      this.size = c.buckets();
    }

    void record(long now, boolean failed, boolean slow) {
      long[] b = buckets.computeIfAbsent(Math.floorDiv(now - origin, width), e -> new long[3]);
      b[0]++;
      b[1] += failed ? 1 : 0;
      b[2] += slow ? 1 : 0;
    }

    /** Calls, failures and slow calls of the buckets e with nowEpoch - size < e <= nowEpoch. */
    long[] counts(long now) {
      long nowEpoch = Math.floorDiv(now - origin, width);
      long[] sum = new long[3];
      buckets.forEach(
          (epoch, b) -> {
            if (epoch > nowEpoch - size && epoch <= nowEpoch) {
              for (int i = 0; i < 3; i++) {
                sum[i] += b[i];
              }
            }
          });
      return sum;
    }
  }

  /**
   * The transition and outcome tables of {@code docs/circuit-breaker.md}, read literally, behind
   * one lock. Where the docs leave a choice open, the model follows the breaker's documented
   * Javadoc: a call is classified (slow or not, recorded or ignored) and judged in the closed
   * window by the configuration in force when its permit was granted, while trial decisions use the
   * configuration in force when the trial ends.
   */
  static final class Model {
    CircuitConfig config;
    CircuitState state = CircuitState.CLOSED;
    long generation;
    Window window;
    int inFlight;
    int successes;
    int failures;
    long openUntil;
    int reopens;
    long lastTrialGrant; // the start of the latest trial permit granted
    long successful;
    long failed;
    long slow;
    long ignored;
    long rejected;
    final List<String> transitions = new ArrayList<>();
    final List<TransitionReason> reasons = new ArrayList<>();

    Model(CircuitConfig config, long now) {
      this.config = config;
      this.window = new Window(now, config);
      this.lastTrialGrant = now;
    }

    synchronized Object acquire(long now) {
      switch (state) {
        case CLOSED:
          return new Permit(Kind.CLOSED, generation, window, config, now);
        case DISABLED:
          return new Permit(Kind.DISABLED, generation, null, config, now);
        case FORCED_OPEN:
          rejected++;
          return new Refusal(Reason.FORCED_OPEN, config.openCooldown());
        case OPEN:
          if (now < openUntil) {
            rejected++;
            return new Refusal(Reason.OPEN, Duration.ofNanos(openUntil - now));
          }
          moveTo(CircuitState.HALF_OPEN, TransitionReason.COOLDOWN_ELAPSED, now);
          inFlight = 1;
          lastTrialGrant = Math.max(lastTrialGrant, now);
          return new Permit(Kind.TRIAL, generation, null, config, now);
        default: // HALF_OPEN
          if (inFlight >= config.halfOpenMaxConcurrent()) {
            if (now - lastTrialGrant < config.effectiveHalfOpenTrialTimeout().toNanos()) {
              rejected++;
              return new Refusal(Reason.HALF_OPEN_EXHAUSTED, Duration.ZERO);
            }
            // Every permit is out and overdue: each is a failed trial; the permits are freed and
            // their guards go stale.
            failures += inFlight;
            if (failures > config.halfOpenAllowedFailures()) {
              open(TransitionReason.TRIAL_TIMED_OUT, Math.min(reopens + 1, 62), config, now);
              rejected++;
              return new Refusal(Reason.OPEN, Duration.ofNanos(openUntil - now));
            }
            generation++;
            inFlight = 0;
          }
          inFlight++;
          lastTrialGrant = Math.max(lastTrialGrant, now);
          return new Permit(Kind.TRIAL, generation, null, config, now);
      }
    }

    synchronized void report(Permit p, Report report, long now) {
      boolean slowCall = now - p.start() >= p.config().slowCallDuration().toNanos();
      switch (report) {
        case SUCCESS -> outcome(p, false, slowCall, now);
        case FAILURE, CLOSE -> outcome(p, true, slowCall, now);
        case RELEASE, CANCELLED -> returnPermit(p);
        default -> {
          Throwable e =
              report == Report.BOOM
                  ? new Boom()
                  : report == Report.BIG_BOOM ? new BigBoom() : new Other();
          if (matches(p.config().ignoreExceptions(), e)) {
            ignored++;
            returnPermit(p);
          } else if (!p.config().recordExceptions().isEmpty()
              && !matches(p.config().recordExceptions(), e)) {
            outcome(p, false, slowCall, now); // as success()
          } else {
            outcome(p, true, slowCall, now);
          }
        }
      }
    }

    private static boolean matches(List<Class<? extends Throwable>> types, Throwable e) {
      return types.stream().anyMatch(t -> t.isInstance(e));
    }

    private void outcome(Permit p, boolean failedCall, boolean slowCall, long now) {
      if (failedCall) {
        failed++;
      } else if (slowCall) {
        slow++;
      } else {
        successful++;
      }
      if (p.kind() == Kind.CLOSED) {
        if (state != CircuitState.CLOSED || p.window() != window) {
          return; // a permit of an earlier period (or window) changes nothing
        }
        window.record(now, failedCall, slowCall);
        window.run = failedCall ? window.run + 1 : 0;
        if (failedCall || slowCall) {
          evaluate(p.config(), now);
        }
      } else if (p.kind() == Kind.TRIAL) {
        if (state != CircuitState.HALF_OPEN || p.generation() != generation) {
          return;
        }
        inFlight = Math.max(0, inFlight - 1);
        if (failedCall || slowCall) {
          failures++;
        } else {
          successes++;
        }
        if (failures > config.halfOpenAllowedFailures()) {
          open(TransitionReason.TRIAL_FAILED, Math.min(reopens + 1, 62), config, now);
        } else if (successes >= config.halfOpenRequiredSuccesses()) {
          moveTo(CircuitState.CLOSED, TransitionReason.TRIAL_SUCCEEDED, now);
        }
      }
    }

    private void evaluate(CircuitConfig c, long now) {
      TransitionReason reason = null;
      if (c.consecutiveFailuresThreshold() > 0 && window.run >= c.consecutiveFailuresThreshold()) {
        reason = TransitionReason.CONSECUTIVE_FAILURES;
      } else {
        long[] n = window.counts(now);
        if (n[0] >= c.minCalls()) {
          if ((double) n[1] / n[0] >= c.failureRateThreshold()) {
            reason = TransitionReason.FAILURE_RATE;
          } else if ((double) n[2] / n[0] >= c.slowCallRateThreshold()) {
            reason = TransitionReason.SLOW_CALL_RATE;
          }
        }
      }
      if (reason != null) {
        open(reason, 0, c, now);
      }
    }

    /** Re-open k waits min(maxOpenCooldown, openCooldown * 2^k). */
    private void open(TransitionReason reason, int k, CircuitConfig c, long now) {
      moveTo(CircuitState.OPEN, reason, now);
      openUntil = now + cooldown(c, k);
      reopens = k;
    }

    private static long cooldown(CircuitConfig c, int k) {
      long cooldown = c.openCooldown().toNanos();
      for (int i = 0; i < k && cooldown < c.maxOpenCooldown().toNanos(); i++) {
        cooldown = Math.min(c.maxOpenCooldown().toNanos(), cooldown * 2);
      }
      return cooldown;
    }

    private void returnPermit(Permit p) {
      if (p.kind() == Kind.TRIAL
          && state == CircuitState.HALF_OPEN
          && p.generation() == generation
          && inFlight > 0) {
        inFlight--;
      }
    }

    synchronized void operator(Op op, long now) {
      switch (op) {
        case FORCE_OPEN -> {
          if (state != CircuitState.FORCED_OPEN) {
            moveTo(CircuitState.FORCED_OPEN, TransitionReason.FORCED_OPEN, now);
          }
        }
        case DISABLE -> {
          if (state != CircuitState.DISABLED) {
            moveTo(CircuitState.DISABLED, TransitionReason.DISABLED, now);
          }
        }
        case CLOSE -> {
          if (state != CircuitState.CLOSED) {
            moveTo(CircuitState.CLOSED, TransitionReason.CLOSED_BY_OPERATOR, now);
          }
        }
        case RESET -> {
          moveTo(CircuitState.CLOSED, TransitionReason.RESET, now);
          reopens = 0;
        }
      }
    }

    synchronized void reconfigure(CircuitConfig next, long now) {
      boolean newShape =
          next.buckets() != config.buckets()
              || !next.rollingWindow().equals(config.rollingWindow());
      config = next;
      if (newShape) {
        window = new Window(now, next);
      }
      // An open period is cut to the new cooldown from now, if that ends sooner.
      if (state == CircuitState.OPEN) {
        openUntil = Math.min(openUntil, now + cooldown(next, reopens));
      }
    }

    private void moveTo(CircuitState to, TransitionReason reason, long now) {
      transitions.add(state + " -> " + to + " " + reason);
      reasons.add(reason);
      state = to;
      generation++;
      inFlight = 0;
      successes = 0;
      failures = 0;
      if (to == CircuitState.CLOSED) {
        window = new Window(now, config);
      }
    }

    synchronized HealthStatus health() {
      switch (state) {
        case HALF_OPEN:
          return HealthStatus.DEGRADED;
        case OPEN:
        case FORCED_OPEN:
          return config.openHealthStatus();
        default:
          return HealthStatus.UP; // minHealthScore is 0: a closed breaker is never DEGRADED
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Actions

  static class Boom extends RuntimeException {
    Boom() {
      super("boom", null, false, false);
    }
  }

  static final class BigBoom extends Boom {}

  static final class Other extends RuntimeException {
    Other() {
      super("other", null, false, false);
    }
  }

  enum Report {
    SUCCESS,
    FAILURE,
    BOOM,
    BIG_BOOM,
    OTHER,
    CLOSE,
    RELEASE,
    CANCELLED
  }

  enum Op {
    FORCE_OPEN,
    DISABLE,
    CLOSE,
    RESET
  }

  sealed interface Action permits Call, Begin, Finish, Advance, Reconfigure, Operator {}

  /**
   * One call, acquired and reported in one step. It takes {@code millis}, or, when {@code slowEdge}
   * is set, the slow-call duration plus that many nanoseconds (-1 or 0).
   */
  record Call(Report report, long millis, Integer slowEdge) implements Action {
    long latencyNanos(CircuitConfig c) {
      return slowEdge == null ? millis * 1_000_000 : c.slowCallDuration().toNanos() + slowEdge;
    }
  }

  /** Acquires a permit and holds it across the following steps. */
  record Begin() implements Action {}

  /** Reports one of the held permits. */
  record Finish(int index, Report report) implements Action {}

  /**
   * Moves the clock by {@code nanos}, or, with {@code edge}, to the end of the cooldown (or of one
   * bucket when not open) plus {@code nanos} (-1, 0 or 1).
   */
  record Advance(long nanos, boolean edge) implements Action {
    long nanos(Model m, long now) {
      if (!edge) {
        return nanos;
      }
      long base = m.state == CircuitState.OPEN ? m.openUntil - now : m.window.width;
      return Math.max(0, base + nanos);
    }
  }

  /** Takes a new configuration, keeping the window's shape when {@code keepWindow}. */
  record Reconfigure(CircuitConfig config, boolean keepWindow) implements Action {
    CircuitConfig resolve(CircuitConfig current) {
      return keepWindow
          ? config.toBuilder()
              .rollingWindow(current.rollingWindow())
              .buckets(current.buckets())
              .build()
          : config;
    }
  }

  record Operator(Op op) implements Action {}

  // ---------------------------------------------------------------------------------------------
  // Generators

  record Shape(
      long windowMillis,
      int buckets,
      int minCalls,
      double failureRate,
      int consecutive,
      long slowMillis,
      double slowRate) {}

  record Recovery(
      long cooldownMillis,
      int maxFactor,
      int concurrent,
      int required,
      int allowed,
      HealthStatus openHealth,
      int recordMask,
      int ignoreMask) {}

  @Provide
  Arbitrary<CircuitConfig> configs() {
    Arbitrary<Double> rate = Arbitraries.doubles().between(0, false, 1, true).ofScale(2);
    Arbitrary<Shape> shape =
        Combinators.combine(
                Arbitraries.longs().between(1, 2000),
                Arbitraries.integers().between(1, 10),
                Arbitraries.integers().between(1, 8),
                rate,
                Arbitraries.integers().between(0, 5),
                Arbitraries.longs().between(1, 400),
                rate)
            .as(Shape::new);
    Arbitrary<Recovery> recovery =
        Combinators.combine(
                Arbitraries.longs().between(1, 1000),
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(HealthStatus.DEGRADED, HealthStatus.DOWN),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3))
            .as(Recovery::new);
    // 0: auto (the slow-call duration)
    Arbitrary<Long> trialTimeoutMillis =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(0L)), Tuple.of(1, Arbitraries.longs().between(1, 1500)));
    return Combinators.combine(shape, recovery, trialTimeoutMillis)
        .as(CircuitBreakerPropertyTest::config);
  }

  static CircuitConfig config(Shape s, Recovery r, long trialTimeoutMillis) {
    List<Class<? extends Throwable>> record = new ArrayList<>();
    List<Class<? extends Throwable>> ignore = new ArrayList<>();
    if ((r.recordMask() & 1) != 0) {
      record.add(Boom.class);
    }
    if ((r.recordMask() & 2) != 0) {
      record.add(Other.class);
    }
    if ((r.ignoreMask() & 1) != 0) {
      ignore.add(BigBoom.class); // a subtype of a recorded type may be ignored
    }
    if ((r.ignoreMask() & 2) != 0 && !record.contains(Other.class)) {
      ignore.add(Other.class);
    }
    CircuitConfig.Builder b =
        CircuitConfig.builder()
            .rollingWindow(Duration.ofMillis(s.windowMillis()))
            .buckets((int) Math.min(s.buckets(), s.windowMillis()))
            .minCalls(s.minCalls())
            .failureRateThreshold(s.failureRate())
            .consecutiveFailuresThreshold(s.consecutive())
            .slowCallDuration(Duration.ofMillis(s.slowMillis()))
            .slowCallRateThreshold(s.slowRate())
            .openCooldown(Duration.ofMillis(r.cooldownMillis()))
            .maxOpenCooldown(Duration.ofMillis(r.cooldownMillis() * r.maxFactor()))
            .halfOpenMaxConcurrent(r.concurrent())
            .halfOpenRequiredSuccesses(r.required())
            .halfOpenAllowedFailures(r.allowed())
            .sampleWeighting(SampleWeighting.SLIDING)
            .adaptiveThreshold(AdaptiveThreshold.DISABLED)
            .minHealthScore(0)
            .criticalHealthScore(0)
            .openHealthStatus(r.openHealth())
            .recordExceptions(record)
            .ignoreExceptions(ignore);
    if (trialTimeoutMillis > 0) {
      b.halfOpenTrialTimeout(Duration.ofMillis(trialTimeoutMillis));
    }
    return b.build();
  }

  @Provide
  @SuppressWarnings("unchecked")
  Arbitrary<List<Action>> actions() {
    // Mostly successes, so that trials can pass; every kind of report still comes up often.
    Arbitrary<Report> reports =
        Arbitraries.frequency(
            Tuple.of(8, Report.SUCCESS),
            Tuple.of(3, Report.FAILURE),
            Tuple.of(1, Report.BOOM),
            Tuple.of(1, Report.BIG_BOOM),
            Tuple.of(1, Report.OTHER),
            Tuple.of(1, Report.CLOSE),
            Tuple.of(1, Report.RELEASE),
            Tuple.of(1, Report.CANCELLED));
    // Mostly quick calls, some slow, some exactly at the slow-call duration or 1ns below it.
    Arbitrary<Long> millis =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.longs().between(0, 5)),
            Tuple.of(1, Arbitraries.longs().between(0, 600)));
    Arbitrary<Action> call =
        Combinators.combine(reports, millis, Arbitraries.of(-1, 0).injectNull(0.85)).as(Call::new);
    Arbitrary<Action> begin = Arbitraries.just(new Begin());
    Arbitrary<Action> finish =
        Combinators.combine(Arbitraries.integers().between(0, 5), reports).as(Finish::new);
    Arbitrary<Action> advance =
        Arbitraries.frequencyOf(
            Tuple.of(
                4,
                Arbitraries.longs().between(1, 3000).map(ms -> new Advance(ms * 1_000_000, false))),
            Tuple.of(1, Arbitraries.longs().between(1, 3).map(ns -> new Advance(ns, false))),
            Tuple.of(3, Arbitraries.longs().between(-1, 1).map(ns -> new Advance(ns, true))));
    Arbitrary<Action> reconfigure =
        Combinators.combine(configs(), Arbitraries.of(true, false)).as(Reconfigure::new);
    Arbitrary<Action> operator = Arbitraries.of(Op.class).map(Operator::new);
    return Arbitraries.frequencyOf(
            Tuple.of(14, call),
            Tuple.of(3, begin),
            Tuple.of(3, finish),
            Tuple.of(7, advance),
            Tuple.of(1, reconfigure),
            Tuple.of(1, operator))
        .list()
        .ofMinSize(1)
        .ofMaxSize(150)
        .withSizeDistribution(RandomDistribution.uniform());
  }
}
