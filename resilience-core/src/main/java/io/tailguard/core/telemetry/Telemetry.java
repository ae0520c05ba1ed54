package io.tailguard.core.telemetry;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every protected call ends up: the {@link CallEventSink} the engines report to. For each
 * (engine, instance) it keeps {@link StreamingStats} and a {@link LatencyRecorder}; it also keeps
 * the recent events in an {@link EventLog}, feeds the running {@link Recording}s and any other
 * subscribers.
 *
 * <p>At most {@value #MAX_INSTANCES} (engine, instance) pairs get statistics; events of further
 * ones still reach the log, recordings and subscribers and are counted as {@code
 * untrackedInstances}, so a flood of made-up names cannot exhaust memory.
 *
 * <p>This class is thread-safe. Recording an event is lock-free apart from the stats cell's
 * uncontended monitor.
 */
public final class Telemetry implements CallEventSink, CallRecorder {

  /** The most (engine, instance) pairs with their own statistics. */
  public static final int MAX_INSTANCES = 10_000;

  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  private final Clock clock;
  private final ConcurrentHashMap<Key, Tracked> instances = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Recording> recordings = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<CallEventSink> subscribers = new CopyOnWriteArrayList<>();
  private final LongAdder untracked = new LongAdder();
  private final LongAdder subscriberFailures = new LongAdder();
  private volatile TelemetryConfig config;
  private volatile EventLog eventLog;

  /**
   * Creates a hub.
   *
   * @param config the settings
   * @param clock the clock
   */
  public Telemetry(TelemetryConfig config, Clock clock) {
    this.config = Validate.notNull("config", config);
    this.clock = Validate.notNull("clock", clock);
    this.eventLog = new EventLog(config.eventLogCapacity());
  }

  /** The identity of a tracked instance. */
  private record Key(EngineType engine, String name) {}

  private record Tracked(StreamingStats stats, LatencyRecorder latency) {}

  /**
   * Records a call that just ended: the end is now, the start is {@code latency} earlier, and the
   * cost is {@code attempts} times the instance's cost per attempt.
   *
   * @param name the instance
   * @param engine the engine
   * @param outcome how it ended
   * @param latencyNanos how long it took
   * @param attempts how many attempts it made
   */
  @Override
  public void callEnded(
      String name, EngineType engine, CallOutcome outcome, long latencyNanos, int attempts) {
    Instant end = clock.instant();
    long latency = Math.max(0, latencyNanos);
    Instant start = end.minusNanos(latency);
    double cost = attempts * config.costPerAttemptOf(name);
    accept(new CallEvent(name, engine, outcome, latency, attempts, cost, start, end));
  }

  @Override
  public void accept(CallEvent event) {
    Validate.notNull("event", event);
    Tracked t = tracked(event.engine(), event.name());
    if (t != null) {
      t.stats.record(event);
      t.latency.record(event.latencyNanos());
    }
    eventLog.accept(event);
    for (Recording r : recordings.values()) {
      r.accept(event);
    }
    for (CallEventSink s : subscribers) {
      try {
        s.accept(event);
      } catch (RuntimeException e) {
        subscriberFailures.increment();
        log.debug("Telemetry subscriber {} failed on {}", s, event, e);
      }
    }
  }

  private Tracked tracked(EngineType engine, String name) {
    Key key = new Key(engine, name);
    Tracked t = instances.get(key);
    if (t != null) {
      return t;
    }
    if (instances.size() >= MAX_INSTANCES) {
      untracked.increment();
      return null;
    }
    TelemetryConfig c = config;
    return instances.computeIfAbsent(
        key,
        k ->
            new Tracked(
                new StreamingStats(c.slaTargetOf(name)),
                new LatencyRecorder(clock, c.latencyWindow(), c.latencyInterval())));
  }

  /**
   * Returns the statistics of one instance, if it has any.
   *
   * @param engine the engine
   * @param name the instance
   * @return its statistics
   */
  public Optional<StatsSnapshot> stats(EngineType engine, String name) {
    Tracked t = instances.get(new Key(engine, name));
    return t == null ? Optional.empty() : Optional.of(t.stats.snapshot());
  }

  /**
   * Returns the latency percentiles of one instance over the latency window, if it has any.
   *
   * @param engine the engine
   * @param name the instance
   * @return its latency
   */
  public Optional<LatencySnapshot> latency(EngineType engine, String name) {
    Tracked t = instances.get(new Key(engine, name));
    return t == null ? Optional.empty() : Optional.of(t.latency.snapshot());
  }

  /**
   * Returns the event log.
   *
   * @return the log
   */
  public EventLog eventLog() {
    return eventLog;
  }

  /**
   * Creates and starts a recording.
   *
   * @param name its name, unique among this hub's recordings
   * @return the running recording
   * @throws IllegalArgumentException if a recording of that name exists
   */
  public Recording startRecording(String name) {
    Recording r = new Recording(name, config.recordingCapacity(), clock);
    if (recordings.putIfAbsent(name, r) != null) {
      throw new IllegalArgumentException(
          "a recording named '" + name + "' exists already; remove it first");
    }
    r.start();
    return r;
  }

  /**
   * Returns a recording.
   *
   * @param name its name
   * @return the recording, or empty
   */
  public Optional<Recording> recording(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(recordings.get(name));
  }

  /**
   * Forgets a recording (stopping it first if needed).
   *
   * @param name its name
   * @return the removed recording, or empty
   */
  public Optional<Recording> removeRecording(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Recording r = recordings.remove(name);
    if (r != null && r.state() != Recording.State.STOPPED) {
      r.stop();
    }
    return Optional.ofNullable(r);
  }

  /**
   * Adds a subscriber that sees every event. A subscriber that throws is counted and skipped.
   *
   * @param sink the subscriber
   * @return a subscription that removes it
   */
  public Subscription subscribe(CallEventSink sink) {
    Validate.notNull("sink", sink);
    subscribers.add(sink);
    return () -> subscribers.remove(sink);
  }

  /**
   * Returns the settings in force.
   *
   * @return the settings
   */
  public TelemetryConfig config() {
    return config;
  }

  /**
   * Takes new settings: SLA targets and latency windows apply to the existing instances at once
   * (SLA compliance counts calls recorded from then on against the new target); a new event log
   * capacity starts a new log holding the most recent events that fit.
   *
   * @param next the new settings
   */
  public synchronized void reconfigure(TelemetryConfig next) {
    Validate.notNull("config", next);
    TelemetryConfig previous = config;
    config = next;
    instances.forEach(
        (key, t) -> {
          t.stats.setSlaTarget(next.slaTargetOf(key.name()));
          t.latency.reconfigure(next.latencyWindow(), next.latencyInterval());
        });
    if (previous.eventLogCapacity() != next.eventLogCapacity()) {
      EventLog old = eventLog;
      EventLog fresh = new EventLog(next.eventLogCapacity());
      for (CallEvent e : old.lastEvents(Math.min(old.capacity(), next.eventLogCapacity()), null)) {
        fresh.accept(e);
      }
      eventLog = fresh;
    }
  }

  /**
   * Returns every tracked instance's statistics and latency, the event log's figures and the
   * recordings, as an ordered map of plain values.
   *
   * @return the description
   */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    Map<String, Object> per = new TreeMap<>();
    instances.forEach(
        (key, t) -> {
          StatsSnapshot s = t.stats.snapshot();
          LatencySnapshot l = t.latency.snapshot();
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("engine", key.engine().name());
          one.put("name", key.name());
          one.put("calls", s.count());
          one.put("successRate", s.successRate());
          one.put("meanMillis", s.meanNanos() / 1e6);
          one.put("stdDevMillis", s.stdDevNanos() / 1e6);
          one.put("minMillis", s.minNanos() / 1e6);
          one.put("maxMillis", s.maxNanos() / 1e6);
          one.put("slaTargetMillis", s.slaTarget().toNanos() / 1e6);
          one.put("slaCompliance", s.slaCompliance());
          one.put("totalCost", s.totalCost());
          one.put("meanCost", s.meanCost());
          one.put("costPerThousand", s.costPerThousand());
          one.put("costPerMillion", s.costPerMillion());
          one.put("p50Millis", l.p50Nanos() / 1e6);
          one.put("p95Millis", l.p95Nanos() / 1e6);
          one.put("p99Millis", l.p99Nanos() / 1e6);
          one.put("p999Millis", l.p999Nanos() / 1e6);
          per.put(key.engine().name().toLowerCase(java.util.Locale.ROOT) + ":" + key.name(), one);
        });
    d.put("instances", per);
    EventLog l = eventLog;
    Map<String, Object> logInfo = new LinkedHashMap<>();
    logInfo.put("capacity", l.capacity());
    logInfo.put("size", l.size());
    logInfo.put("total", l.total());
    d.put("eventLog", logInfo);
    Map<String, Object> recs = new TreeMap<>();
    recordings.forEach(
        (name, r) -> {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("state", r.state().name());
          one.put("events", r.events().size());
          one.put("dropped", r.dropped());
          recs.put(name, one);
        });
    d.put("recordings", recs);
    d.put("untrackedInstances", untracked.sum());
    d.put("subscriberFailures", subscriberFailures.sum());
    d.put("config", config.toMap());
    return d;
  }
}
