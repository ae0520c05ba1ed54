package io.tailguard.core.telemetry;

import io.tailguard.core.internal.Validate;
import java.time.Duration;

/**
 * Running statistics of one instance's calls in O(1) memory: count, mean and variance of latency
 * (Welford's algorithm), min, max, success rate, SLA compliance (the share of calls faster than a
 * latency target), and cost: total, mean, and projections per thousand and per million calls.
 *
 * <p>Thread-safety: recording threads are spread over a fixed set of cells by thread id. Each cell
 * holds the Welford state of the calls recorded through it (B. P. Welford, "Note on a method for
 * calculating corrected sums of squares and products", Technometrics 4(3), 1962) and is updated
 * under its own monitor, which is uncontended unless two threads share a cell. {@link #snapshot()}
 * merges the cells with the pairwise combination of Chan, Golub and LeVeque ("Updating formulae and
 * a pairwise algorithm for computing sample variances", 1979), holding one cell's monitor at a
 * time, so it is consistent per cell and never blocks recorders for long.
 */
public final class StreamingStats {

  /** Cells: the power of two at or above twice the processors, at most 64. */
  private static final int CELLS =
      Math.min(64, powerOfTwoAtLeast(2 * Runtime.getRuntime().availableProcessors()));

  private final Cell[] cells = new Cell[CELLS];
  // The SLA target; replaced whole, read by every record().
  private volatile long slaTargetNanos;

  /**
   * Creates empty statistics.
   *
   * @param slaTarget calls faster than this (or equal) count as within the SLA; positive
   */
  public StreamingStats(Duration slaTarget) {
    this.slaTargetNanos = checkTarget(slaTarget);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = new Cell();
    }
  }

  private static long checkTarget(Duration slaTarget) {
    return Validate.inRange("slaTarget", slaTarget, Duration.ofNanos(1), Duration.ofDays(1))
        .toNanos();
  }

  /**
   * Changes the SLA target for calls recorded from now on.
   *
   * @param slaTarget the new target
   */
  public void setSlaTarget(Duration slaTarget) {
    this.slaTargetNanos = checkTarget(slaTarget);
  }

  /**
   * Records one call.
   *
   * @param latencyNanos its latency
   * @param success whether it succeeded
   * @param cost its cost, not negative
   */
  public void record(long latencyNanos, boolean success, double cost) {
    boolean withinSla = latencyNanos <= slaTargetNanos;
    @SuppressWarnings("deprecation") // Thread.threadId() arrives in 19; getId() is the same number
    long id = Thread.currentThread().getId();
    Cell cell = cells[(int) (mix(id) & (cells.length - 1))];
    synchronized (cell) {
      cell.add(latencyNanos, success, withinSla, cost);
    }
  }

  /**
   * Records one call event.
   *
   * @param event the event
   */
  public void record(CallEvent event) {
    record(event.latencyNanos(), event.outcome().isSuccess(), event.costUnits());
  }

  private static int powerOfTwoAtLeast(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private static long mix(long x) {
    x *= 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 32);
  }

  /**
   * Returns the statistics of every call recorded so far.
   *
   * @return the snapshot
   */
  public StatsSnapshot snapshot() {
    Cell total = new Cell();
    for (Cell c : cells) {
      synchronized (c) {
        total.merge(c);
      }
    }
    return total.snapshot(Duration.ofNanos(slaTargetNanos));
  }

  /** Forgets every call. */
  public void reset() {
    for (Cell c : cells) {
      synchronized (c) {
        c.clear();
      }
    }
  }

  /** Welford state of some calls. Guarded by its own monitor. */
  private static final class Cell {
    long count;
    double mean;
    double m2;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long successes;
    long withinSla;
    double cost;

    void add(long latency, boolean success, boolean sla, double c) {
      count++;
      double delta = latency - mean;
      mean += delta / count;
      m2 += delta * (latency - mean);
      min = Math.min(min, latency);
      max = Math.max(max, latency);
      if (success) {
        successes++;
      }
      if (sla) {
        withinSla++;
      }
      cost += c;
    }

    void merge(Cell o) {
      if (o.count == 0) {
        return;
      }
      long n = count + o.count;
      double delta = o.mean - mean;
      mean += delta * o.count / n;
      m2 += o.m2 + delta * delta * ((double) count * o.count / n);
      count = n;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
      successes += o.successes;
      withinSla += o.withinSla;
      cost += o.cost;
    }

    void clear() {
      count = 0;
      mean = 0;
      m2 = 0;
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
      successes = 0;
      withinSla = 0;
      cost = 0;
    }

    StatsSnapshot snapshot(Duration target) {
      if (count == 0) {
        return new StatsSnapshot(0, 0, 0, 0, 0, 0, 0, target, 0, 0);
      }
      return new StatsSnapshot(
          count,
          mean,
          count < 2 ? 0 : m2 / (count - 1),
          min,
          max,
          (double) successes / count,
          (double) withinSla / count,
          target,
          cost,
          cost / count);
    }
  }
}
