package io.tailguard.sample.demo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the demo under {@code demo.*}; the demo itself runs only when the application is
 * started with {@code --demo}.
 *
 * <p>Not thread-safe; bound once at start-up.
 */
@ConfigurationProperties(prefix = "demo")
public class DemoProperties {

  /**
   * How long the demo drives load, in all: 40% hedging, 30% the outage (longer if the breaker has
   * not closed yet), 15% rate limits, 15% replica hedging.
   */
  private Duration duration = Duration.ofSeconds(150);

  /**
   * Pairs of calls (one hedged, one not) sent per second during the hedging and replica-hedging
   * phases, open loop, in [1, 1000]. The default 100 gives about 4,500 measured calls per arm of
   * the hedging phase in the default 150 s run (p99.9 rests on about 5 calls), and about 1,000 in
   * the replica phase; 250 gives 11,000 but overloads a busy 2-core machine.
   */
  private int rate = 100;

  /**
   * Start of the hedging phases measured in neither arm, capped at a third of the phase: the JIT
   * and the connection pools settle (the first calls of a fresh JVM take hundreds of milliseconds),
   * and then the hedger's window (10 s by default) must let the cold start age out before its delay
   * is the steady state's.
   */
  private Duration warmup = Duration.ofSeconds(15);

  /** Whether the application exits once the report is printed. */
  private boolean exit = true;

  /** Median latency of the downstream during the demo, in milliseconds. */
  private double p50Ms = 10;

  /** Least latency of a tail request during the hedging phase, in milliseconds. */
  private double tailMs = 200;

  /** Share of downstream requests in the tail during the hedging phase. */
  private double tailProbability = 0.05;

  public Duration getDuration() {
    return duration;
  }

  public void setDuration(Duration duration) {
    this.duration = duration;
  }

  public int getRate() {
    return rate;
  }

  public void setRate(int rate) {
    this.rate = rate;
  }

  public Duration getWarmup() {
    return warmup;
  }

  public void setWarmup(Duration warmup) {
    this.warmup = warmup;
  }

  public boolean isExit() {
    return exit;
  }

  public void setExit(boolean exit) {
    this.exit = exit;
  }

  public double getP50Ms() {
    return p50Ms;
  }

  public void setP50Ms(double p50Ms) {
    this.p50Ms = p50Ms;
  }

  public double getTailMs() {
    return tailMs;
  }

  public void setTailMs(double tailMs) {
    this.tailMs = tailMs;
  }

  public double getTailProbability() {
    return tailProbability;
  }

  public void setTailProbability(double tailProbability) {
    this.tailProbability = tailProbability;
  }
}
