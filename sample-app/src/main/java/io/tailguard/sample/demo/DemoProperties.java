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
   * How long the demo drives load, in all: 45% hedging, 40% the outage (longer if the breaker has
   * not closed yet), 15% rate limits.
   */
  private Duration duration = Duration.ofSeconds(100);

  /**
   * Pairs of calls (one hedged, one not) sent per second during the hedging phase, open loop, in
   * [1, 1000]. The default 100 gives about 4,000 measured calls per arm in the default 100 s run
   * (p99.9 rests on about 4 calls); 250 gives 10,000 but overloads a busy 2-core machine.
   */
  private int rate = 100;

  /**
   * Start of the hedging phase measured in neither arm (the JIT, the connection pools and the
   * hedger's learnt delay settle), capped at a fifth of the phase.
   */
  private Duration warmup = Duration.ofSeconds(5);

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
