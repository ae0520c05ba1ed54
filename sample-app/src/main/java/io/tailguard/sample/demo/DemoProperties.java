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
  private Duration duration = Duration.ofSeconds(60);

  /** Client threads sending requests during the hedging phase. */
  private int clients = 4;

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

  public int getClients() {
    return clients;
  }

  public void setClients(int clients) {
    this.clients = clients;
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
