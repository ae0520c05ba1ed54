package io.tailguard.spring.actuate;

import io.tailguard.core.telemetry.CallEvent;
import io.tailguard.core.telemetry.EngineType;
import io.tailguard.core.telemetry.Telemetry;
import io.tailguard.core.telemetry.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
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
 * <p>Thread-safe.
 */
@Endpoint(id = "resilienceevents")
public class ResilienceEventsEndpoint {

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
   * @param seconds how far back; default 60
   * @param name only this instance
   * @param engine only this engine (circuit-breaker, hedge, retry, rate-limit, custom)
   * @param limit at most this many, newest kept; default 100
   * @return the calls
   */
  @ReadOperation
  public Map<String, Object> events(
      @Nullable Long seconds,
      @Nullable String name,
      @Nullable String engine,
      @Nullable Integer limit) {
    Instant now = Instant.now();
    List<CallEvent> events =
        telemetry
            .eventLog()
            .last(Duration.ofSeconds(seconds == null ? 60 : seconds), now, filter(name, engine));
    int max = limit == null ? 100 : Math.max(0, limit);
    List<CallEvent> tail = events.subList(Math.max(0, events.size() - max), events.size());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", now.minusSeconds(seconds == null ? 60 : seconds).toString());
    body.put("to", now.toString());
    body.put("matched", events.size());
    body.put("events", tail.stream().map(ResilienceEventsEndpoint::toMap).toList());
    return body;
  }

  /**
   * Returns windowed metrics.
   *
   * @param kind must be {@code windows}
   * @param seconds how far back; default 300
   * @param window window size in seconds; default 60
   * @param step distance between window starts in seconds; default the window size
   * @param name only this instance
   * @param engine only this engine
   * @return the windows
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
    Instant now = Instant.now();
    long span = seconds == null ? 300 : seconds;
    long size = window == null ? 60 : window;
    List<WindowMetrics> windows =
        telemetry
            .eventLog()
            .windows(
                now.minusSeconds(span),
                now,
                Duration.ofSeconds(size),
                Duration.ofSeconds(step == null ? size : step),
                filter(name, engine));
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

  private static Predicate<CallEvent> filter(String name, String engine) {
    EngineType type =
        engine == null
            ? null
            : EngineType.valueOf(engine.toUpperCase(Locale.ROOT).replace('-', '_'));
    return e -> (name == null || e.name().equals(name)) && (type == null || e.engine() == type);
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
