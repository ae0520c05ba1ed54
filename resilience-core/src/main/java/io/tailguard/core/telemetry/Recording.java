package io.tailguard.core.telemetry;

import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Clock;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A named capture of call events, to compare two configurations side by side: start it, run the
 * load, pause and resume it around parts you want left out, stop it, and export it as JSON Lines or
 * CSV.
 *
 * <p>States: CREATED -> RECORDING (start) -> PAUSED (pause) -> RECORDING (resume) ... -> STOPPED
 * (stop, from RECORDING or PAUSED). Any other transition is refused with an {@link
 * IllegalStateException} naming the recording, its state and the states the action is allowed from.
 * Only events that arrive while RECORDING are kept, at most {@code capacity} of them; later ones
 * are counted as dropped.
 *
 * <p>This class is thread-safe: every method holds this object's monitor.
 */
public final class Recording implements CallEventSink {

  /** The states of a recording. */
  public enum State {
    /** Made, not started. */
    CREATED,
    /** Capturing events. */
    RECORDING,
    /** Not capturing, may resume. */
    PAUSED,
    /** Finished; may only be read and exported. */
    STOPPED
  }

  /** The CSV header line. */
  public static final String CSV_HEADER =
      "name,engine,outcome,latency_nanos,attempts,cost_units,start,end";

  private final String name;
  private final int capacity;
  private final Clock clock;

  // All guarded by this.
  private State state = State.CREATED;
  private final List<CallEvent> events = new ArrayList<>();
  private final List<Instant[]> periods = new ArrayList<>();
  private long dropped;

  /**
   * Creates a recording, not yet started.
   *
   * @param name its name, as instance names: 1 to 128 letters, digits, {@code . _ - : /}
   * @param capacity the most events it keeps, in [1, 10000000]
   * @param clock the clock for the start and end of each recording period
   */
  public Recording(String name, int capacity, Clock clock) {
    this.name = InstanceNames.check("recording", name);
    this.capacity = Validate.inRange("capacity", capacity, 1, EventLog.MAX_CAPACITY);
    this.clock = Validate.notNull("clock", clock);
  }

  /**
   * Returns the name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the state.
   *
   * @return the state
   */
  public synchronized State state() {
    return state;
  }

  /** Starts capturing. Allowed from CREATED. */
  public synchronized void start() {
    move("start", State.RECORDING, State.CREATED);
    periods.add(new Instant[] {clock.instant(), null});
  }

  /** Stops capturing for now. Allowed from RECORDING. */
  public synchronized void pause() {
    move("pause", State.PAUSED, State.RECORDING);
    periods.get(periods.size() - 1)[1] = clock.instant();
  }

  /** Captures again. Allowed from PAUSED. */
  public synchronized void resume() {
    move("resume", State.RECORDING, State.PAUSED);
    periods.add(new Instant[] {clock.instant(), null});
  }

  /** Finishes the recording. Allowed from RECORDING and PAUSED. */
  public synchronized void stop() {
    State before = state;
    move("stop", State.STOPPED, State.RECORDING, State.PAUSED);
    if (before == State.RECORDING) {
      periods.get(periods.size() - 1)[1] = clock.instant();
    }
  }

  // Holds this.
  private void move(String action, State to, State... from) {
    for (State allowed : from) {
      if (state == allowed) {
        state = to;
        return;
      }
    }
    throw new IllegalStateException(
        "recording '"
            + name
            + "' cannot "
            + action
            + ": it is "
            + state
            + " ("
            + action
            + " is allowed from "
            + java.util.Arrays.toString(from)
            + ")");
  }

  @Override
  public synchronized void accept(CallEvent event) {
    if (state != State.RECORDING || event == null) {
      return;
    }
    if (events.size() >= capacity) {
      dropped++;
      return;
    }
    events.add(event);
  }

  /**
   * Returns the captured events, in arrival order.
   *
   * @return a copy of the events
   */
  public synchronized List<CallEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Returns how many events arrived while recording but did not fit.
   *
   * @return the dropped count
   */
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * Returns the recording periods: each a start and an end (null while still recording).
   *
   * @return a copy of the periods
   */
  public synchronized List<Instant[]> periods() {
    List<Instant[]> copy = new ArrayList<>();
    for (Instant[] p : periods) {
      copy.add(p.clone());
    }
    return copy;
  }

  /**
   * Writes the events as JSON Lines: one object per line with the fields of {@link CallEvent},
   * times in ISO-8601.
   *
   * @param out where to write
   * @throws IOException if writing fails
   */
  public void exportJsonLines(Writer out) throws IOException {
    Validate.notNull("out", out);
    for (CallEvent e : events()) {
      out.write("{\"name\":");
      out.write(jsonString(e.name()));
      out.write(",\"engine\":\"" + e.engine() + "\"");
      out.write(",\"outcome\":\"" + e.outcome() + "\"");
      out.write(",\"latencyNanos\":" + e.latencyNanos());
      out.write(",\"attempts\":" + e.attempts());
      out.write(",\"costUnits\":" + e.costUnits());
      out.write(",\"start\":\"" + e.start() + "\"");
      out.write(",\"end\":\"" + e.end() + "\"}\n");
    }
  }

  /**
   * Writes the events as CSV (RFC 4180) with the header {@value #CSV_HEADER}.
   *
   * @param out where to write
   * @throws IOException if writing fails
   */
  public void exportCsv(Writer out) throws IOException {
    Validate.notNull("out", out);
    out.write(CSV_HEADER);
    out.write("\r\n");
    for (CallEvent e : events()) {
      out.write(csvField(e.name()));
      out.write("," + e.engine() + "," + e.outcome() + "," + e.latencyNanos() + "," + e.attempts());
      out.write("," + e.costUnits() + "," + e.start() + "," + e.end() + "\r\n");
    }
  }

  /**
   * Returns {@link #exportJsonLines(Writer)} as a string.
   *
   * @return the JSON Lines text
   */
  public String toJsonLines() {
    StringWriter w = new StringWriter();
    try {
      exportJsonLines(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * Returns {@link #exportCsv(Writer)} as a string.
   *
   * @return the CSV text
   */
  public String toCsv() {
    StringWriter w = new StringWriter();
    try {
      exportCsv(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static String jsonString(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  @Override
  public synchronized String toString() {
    return "Recording[" + name + ", " + state + ", " + events.size() + " events]";
  }
}
