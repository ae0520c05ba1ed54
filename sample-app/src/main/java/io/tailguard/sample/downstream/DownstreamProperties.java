package io.tailguard.sample.downstream;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the embedded downstream under {@code sample.downstream.*}.
 *
 * <p>Not thread-safe; bound once at start-up.
 */
@ConfigurationProperties(prefix = "sample.downstream")
public class DownstreamProperties {

  /** Port of the downstream on 127.0.0.1; 0 picks a free one. */
  private int port = 0;

  /** Seed of the latency and failure draws. */
  private long seed = 42;

  /** Median latency of the body of the distribution, in milliseconds. */
  private double p50Ms = 20;

  /** Least latency of a tail request, in milliseconds. */
  private double tailMs = 250;

  /** Share of requests in the slow tail, in [0, 1]. */
  private double tailProbability = 0.02;

  /** Share of requests answered 503, in [0, 1]. */
  private double failureRate = 0.01;

  /** Whether the downstream starts in an outage. */
  private boolean outage = false;

  /** Longest time the app's HTTP client waits for an answer. */
  private Duration readTimeout = Duration.ofSeconds(10);

  /**
   * The profile these settings describe.
   *
   * @return the profile
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  public DownstreamProfile profile() {
    return new DownstreamProfile(p50Ms, tailMs, tailProbability, failureRate, outage);
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public long getSeed() {
    return seed;
  }

  public void setSeed(long seed) {
    this.seed = seed;
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

  public double getFailureRate() {
    return failureRate;
  }

  public void setFailureRate(double failureRate) {
    this.failureRate = failureRate;
  }

  public boolean isOutage() {
    return outage;
  }

  public void setOutage(boolean outage) {
    this.outage = outage;
  }

  public Duration getReadTimeout() {
    return readTimeout;
  }

  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }
}
