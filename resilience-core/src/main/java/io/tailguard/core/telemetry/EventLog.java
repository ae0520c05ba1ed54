package io.tailguard.core.telemetry;

import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The most recent {@link CallEvent}s, in a bounded ring, with time-window queries and windowed
 * metrics. Every query takes the reference time it is relative to, so results do not depend on when
 * the query runs.
 *
 * <p>Events are ordered and selected by their {@code end} time. When the ring is full, each new
 * event replaces the oldest.
 *
 * <p>Thread-safety: writers are lock-free: each takes a sequence number from an atomic counter and
 * stores its event in slot {@code sequence % capacity} (a volatile store). Queries read every slot,
 * so an event being replaced during a query may or may not be seen; each event seen is complete
 * (events are immutable and published by the volatile store).
 */
public final class EventLog implements CallEventSink {

  /** The largest capacity accepted. */
  public static final int MAX_CAPACITY = 10_000_000;

  private final int capacity;
  private final AtomicReferenceArray<Slot> slots;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * Creates an empty log.
   *
   * @param capacity how many events it keeps, in [1, 10000000]
   */
  public EventLog(int capacity) {
    this.capacity = Validate.inRange("capacity", capacity, 1, MAX_CAPACITY);
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  @Override
  public void accept(CallEvent event) {
    Validate.notNull("event", event);
    long seq = sequence.getAndIncrement();
    slots.set((int) (seq % capacity), new Slot(seq, event));
  }

  /**
   * Returns how many events the log keeps at most.
   *
   * @return the capacity
   */
  public int capacity() {
    return capacity;
  }

  /**
   * Returns how many events were ever added.
   *
   * @return the total
   */
  public long total() {
    return sequence.get();
  }

  /**
   * Returns how many events the log holds now.
   *
   * @return {@code min(total, capacity)}
   */
  public int size() {
    return (int) Math.min(sequence.get(), capacity);
  }

  private List<Slot> slots() {
    List<Slot> all = new ArrayList<>(size());
    for (int i = 0; i < capacity; i++) {
      Slot s = slots.get(i);
      if (s != null) {
        all.add(s);
      }
    }
    return all;
  }

  /**
   * Returns the events that ended in {@code (reference - span, reference]}, oldest first.
   *
   * @param span how far back, positive
   * @param reference the time the span ends at
   * @param filter which events to keep; {@code null} keeps all
   * @return the events
   */
  public List<CallEvent> last(Duration span, Instant reference, Predicate<CallEvent> filter) {
    Validate.notNull("span", span);
    if (span.isNegative() || span.isZero()) {
      throw new IllegalArgumentException("span must be positive, was " + span);
    }
    Validate.notNull("reference", reference);
    Instant from = reference.minus(span);
    return select(e -> e.end().isAfter(from) && !e.end().isAfter(reference), filter);
  }

  /**
   * Returns the events of the last {@code seconds} seconds before {@code reference}.
   *
   * @param seconds how many seconds, positive
   * @param reference the reference time
   * @param filter which events to keep, or {@code null}
   * @return the events, oldest first
   */
  public List<CallEvent> lastSeconds(long seconds, Instant reference, Predicate<CallEvent> filter) {
    return last(Duration.ofSeconds(positive("seconds", seconds)), reference, filter);
  }

  /**
   * Returns the events of the last {@code minutes} minutes before {@code reference}.
   *
   * @param minutes how many minutes, positive
   * @param reference the reference time
   * @param filter which events to keep, or {@code null}
   * @return the events, oldest first
   */
  public List<CallEvent> lastMinutes(long minutes, Instant reference, Predicate<CallEvent> filter) {
    return last(Duration.ofMinutes(positive("minutes", minutes)), reference, filter);
  }

  /**
   * Returns the events of the last {@code hours} hours before {@code reference}.
   *
   * @param hours how many hours, positive
   * @param reference the reference time
   * @param filter which events to keep, or {@code null}
   * @return the events, oldest first
   */
  public List<CallEvent> lastHours(long hours, Instant reference, Predicate<CallEvent> filter) {
    return last(Duration.ofHours(positive("hours", hours)), reference, filter);
  }

  private static long positive(String field, long value) {
    return Validate.inRange(field, value, 1, 1_000_000_000L);
  }

  /**
   * Returns the {@code n} most recently added events that pass the filter, oldest first.
   *
   * @param n how many, in [0, capacity]
   * @param filter which events to keep, or {@code null}
   * @return the events
   */
  public List<CallEvent> lastEvents(int n, Predicate<CallEvent> filter) {
    Validate.inRange("n", n, 0, capacity);
    List<Slot> all = slots();
    all.sort(Comparator.comparingLong(Slot::seq));
    List<CallEvent> picked = new ArrayList<>(n);
    for (int i = all.size() - 1; i >= 0 && picked.size() < n; i--) {
      CallEvent e = all.get(i).event;
      if (filter == null || filter.test(e)) {
        picked.add(e);
      }
    }
    java.util.Collections.reverse(picked);
    return picked;
  }

  /**
   * Returns the events that ended in {@code [from, to)}, oldest first.
   *
   * @param from the start, inclusive
   * @param to the end, exclusive, not before {@code from}
   * @param filter which events to keep, or {@code null}
   * @return the events
   */
  public List<CallEvent> between(Instant from, Instant to, Predicate<CallEvent> filter) {
    checkRange(from, to);
    return select(e -> !e.end().isBefore(from) && e.end().isBefore(to), filter);
  }

  private static void checkRange(Instant from, Instant to) {
    Validate.notNull("from", from);
    Validate.notNull("to", to);
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("to must not be before from, was " + to + " < " + from);
    }
  }

  private List<CallEvent> select(Predicate<CallEvent> time, Predicate<CallEvent> filter) {
    List<CallEvent> picked = new ArrayList<>();
    for (Slot s : slots()) {
      if (time.test(s.event) && (filter == null || filter.test(s.event))) {
        picked.add(s.event);
      }
    }
    picked.sort(Comparator.comparing(CallEvent::end));
    return picked;
  }

  /**
   * Cuts {@code [from, to)} into windows of {@code size} starting every {@code step} (overlapping
   * when {@code step < size}, with gaps when {@code step > size}) and returns the metrics of each
   * window that starts before {@code to}. A window may reach past {@code to}; it only counts events
   * before {@code to}.
   *
   * @param from the first window's start
   * @param to where the range ends, exclusive
   * @param size the window size, positive
   * @param step the distance between window starts, positive
   * @param filter which events to count, or {@code null}
   * @return the windows in order
   */
  public List<WindowMetrics> windows(
      Instant from, Instant to, Duration size, Duration step, Predicate<CallEvent> filter) {
    checkRange(from, to);
    Validate.notNull("size", size);
    Validate.notNull("step", step);
    if (size.isNegative() || size.isZero()) {
      throw new IllegalArgumentException("size must be positive, was " + size);
    }
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("step must be positive, was " + step);
    }
    long count = (Duration.between(from, to).toNanos() + step.toNanos() - 1) / step.toNanos();
    if (count > 100_000) {
      throw new IllegalArgumentException(
          "the range holds " + count + " windows; at most 100000 are computed");
    }
    List<CallEvent> events = between(from, to, filter);
    // Prefix sums over the events (sorted by end), so each window costs two index moves and a
    // subtraction whatever its size: summing each window afresh cost events x (size / step),
    // 10^9 steps for 100,000 windows of 100,000 s over a full log of 10,000 events.
    int n = events.size();
    long[] successes = new long[n + 1];
    double[] latency = new double[n + 1];
    double[] cost = new double[n + 1];
    for (int i = 0; i < n; i++) {
      CallEvent e = events.get(i);
      successes[i + 1] = successes[i] + (e.outcome().isSuccess() ? 1 : 0);
      latency[i + 1] = latency[i] + e.latencyNanos();
      cost[i + 1] = cost[i] + e.costUnits();
    }
    List<WindowMetrics> out = new ArrayList<>((int) count);
    int first = 0; // the first event not before the window's start
    int stopAt = 0; // the first event not before the window's stop; starts and stops only grow
    for (Instant start = from; start.isBefore(to); start = start.plus(step)) {
      Instant end = start.plus(size);
      Instant stop = end.isBefore(to) ? end : to;
      while (first < n && events.get(first).end().isBefore(start)) {
        first++;
      }
      stopAt = Math.max(stopAt, first);
      while (stopAt < n && events.get(stopAt).end().isBefore(stop)) {
        stopAt++;
      }
      long calls = stopAt - first;
      long ok = successes[stopAt] - successes[first];
      double meanLatency = calls == 0 ? 0 : (latency[stopAt] - latency[first]) / calls;
      out.add(
          new WindowMetrics(
              start, end, calls, meanLatency, cost[stopAt] - cost[first], ok, calls - ok));
    }
    return out;
  }

  private record Slot(long seq, CallEvent event) {}
}
