package io.tailguard.spring.actuate;

import io.tailguard.core.telemetry.CallEvent;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.telemetry.EventLog;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.core.telemetry.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/resilienceevents}: the recent calls of the telemetry event log.
 *
 * <ul>
 *   <li>{@code GET /actuator/resilienceevents?seconds=60&name=search&engine=hedge&limit=100}: the
 *       calls of the last {@code seconds} (default 60), newest last, at most {@code limit} (default
 *       100)
 *   <li>{@code GET /actuator/resilienceevents/windows?seconds=300&window=60&step=30&name=...}:
 *       count, mean latency, cost, successes and failures per window
 * </ul>
 *
 * <p>Every query has a bounded cost, whoever sends it: {@code seconds}, {@code window} and {@code
 * step} are in [1, {@value #MAX_SECONDS}] (a week: the log is a ring of the most recent calls,
 * which a service with any traffic fills in far less), a query computes at most {@value
 * #MAX_WINDOWS} windows (so {@code step} is at least {@code seconds / }{@value #MAX_WINDOWS}), and
 * {@code limit} is in [0, the log's capacity]. A query outside them is refused with 400 naming the
 * parameter and its allowed range, never clamped.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "resilienceevents")
public class ResilienceEventsEndpoint {

  /** The longest span, window and step a query may name, in seconds: a week. */
  public static final long MAX_SECONDS = 7 * 24 * 3600;

  /** The most windows one query computes. */
  public static final int MAX_WINDOWS = 1000;

  private static final String ENGINES =
      Arrays.stream(EngineType.values())
          .map(t -> t.name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .toList()
          .toString();

  private final Telemetry telemetry;

  /**
   * Creates the endpoint.
   *
   * @param telemetry the telemetry hub
   */
  public ResilienceEventsEndpoint(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  /**
   * Returns recent calls.
   *
   * @param seconds how far back, in [1, {@value #MAX_SECONDS}]; default 60
   * @param name only this instance
   * @param engine only this engine (circuit-breaker, hedge, retry, rate-limiter, custom)
   * @param limit at most this many, newest kept, in [0, the log's capacity]; default 100
   * @return the calls
   * @throws InvalidEndpointRequestException (400) if a parameter is out of its range
   */
  @ReadOperation
  public Map<String, Object> events(
      @Nullable Long seconds,
      @Nullable String name,
      @Nullable String engine,
      @Nullable Integer limit) {
    EventLog log = telemetry.eventLog();
    long span = inRange("seconds", seconds == null ? 60 : seconds, 1, MAX_SECONDS, "");
    int max = (int) inRange("limit", limit == null ? 100 : limit, 0, log.capacity(), "");
    Predicate<CallEvent> filter = filter(name, engine);
    Instant now = Instant.now();
    List<CallEvent> events = log.last(Duration.ofSeconds(span), now, filter);
    List<CallEvent> tail = events.subList(Math.max(0, events.size() - max), events.size());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", now.minusSeconds(span).toString());
    body.put("to", now.toString());
    body.put("matched", events.size());
    body.put("events", tail.stream().map(ResilienceEventsEndpoint::toMap).toList());
    return body;
  }

  /**
   * Returns windowed metrics.
   *
   * @param kind must be {@code windows}
   * @param seconds how far back, in [1, {@value #MAX_SECONDS}]; default 300
   * @param window window size in seconds, in [1, {@value #MAX_SECONDS}]; default 60
   * @param step distance between window starts in seconds, in [seconds / {@value #MAX_WINDOWS}
   *     rounded up, {@value #MAX_SECONDS}]; default the window size
   * @param name only this instance
   * @param engine only this engine
   * @return the windows
   * @throws InvalidEndpointRequestException (400) if a parameter is out of its range
   */
  @ReadOperation
  public Map<String, Object> windows(
      @Selector String kind,
      @Nullable Long seconds,
      @Nullable Long window,
      @Nullable Long step,
      @Nullable String name,
      @Nullable String engine) {
    if (!"windows".equals(kind)) {
      return null;
    }
    long span = inRange("seconds", seconds == null ? 300 : seconds, 1, MAX_SECONDS, "");
    long size = inRange("window", window == null ? 60 : window, 1, MAX_SECONDS, "");
    long minStep = (span + MAX_WINDOWS - 1) / MAX_WINDOWS;
    long every =
        inRange(
            "step",
            step == null ? size : step,
            minStep,
            MAX_SECONDS,
            " for seconds=" + span + " (at most " + MAX_WINDOWS + " windows per query)");
    Predicate<CallEvent> filter = filter(name, engine);
    Instant now = Instant.now();
    List<WindowMetrics> windows =
        telemetry
            .eventLog()
            .windows(
                now.minusSeconds(span),
                now,
                Duration.ofSeconds(size),
                Duration.ofSeconds(every),
                filter);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "windows",
        windows.stream()
            .map(
                w -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("start", w.start().toString());
                  m.put("end", w.end().toString());
                  m.put("count", w.count());
                  m.put("meanLatencyMillis", w.meanLatencyNanos() / 1e6);
                  m.put("totalCost", w.totalCost());
                  m.put("successes", w.successes());
                  m.put("failures", w.failures());
                  return m;
                })
            .toList());
    return body;
  }

  private static long inRange(String parameter, long value, long min, long max, String context) {
    if (value < min || value > max) {
      String message =
          parameter + " must be in [" + min + ", " + max + "]" + context + ", was " + value;
      throw new InvalidEndpointRequestException(message, message);
    }
    return value;
  }

  private static Predicate<CallEvent> filter(String name, String engine) {
    EngineType type = engine == null ? null : engineType(engine);
    return e -> (name == null || e.name().equals(name)) && (type == null || e.engine() == type);
  }

  private static EngineType engineType(String engine) {
    for (EngineType t : EngineType.values()) {
      if (t.name().equalsIgnoreCase(engine.replace('-', '_'))) {
        return t;
      }
    }
    String message = "engine must be one of " + ENGINES + ", was '" + engine + "'";
    throw new InvalidEndpointRequestException(message, message);
  }

  private static Map<String, Object> toMap(CallEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("engine", e.engine().name());
    m.put("outcome", e.outcome().name());
    m.put("latencyMillis", e.latencyNanos() / 1e6);
    m.put("attempts", e.attempts());
    m.put("costUnits", e.costUnits());
    m.put("start", e.start().toString());
    m.put("end", e.end().toString());
    return m;
  }
}
