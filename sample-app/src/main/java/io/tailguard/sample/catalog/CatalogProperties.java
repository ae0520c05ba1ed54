package io.tailguard.sample.catalog;

import io.tailguard.sample.downstream.DownstreamProfile;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the catalog service's two replicas under {@code sample.catalog.*}: the second
 * downstream, which the app starts on 127.0.0.1 and calls through the configured HTTP client {@code
 * resilience.http-clients.catalog}.
 *
 * <p>Not thread-safe; bound once at start-up.
 */
@ConfigurationProperties(prefix = "sample.catalog")
public class CatalogProperties {

  /** Seed of the latency draws; replica b draws with this seed plus one. */
  private long seed = 7;

  /** Median latency of both replicas, in milliseconds. */
  private double p50Ms = 8;

  /** Longest time a client waits for one attempt's answer. */
  private Duration readTimeout = Duration.ofSeconds(10);

  /** The first replica: the first endpoint of the client, so primaries go to it. */
  private final Replica replicaA = new Replica(0.04, 300);

  /** The second replica: where hedges go. */
  private final Replica replicaB = new Replica(0, 300);

  /**
   * The profile of one replica: lognormal latency around {@code p50-ms}, no tail or failures, and
   * its stalls as slow calls.
   *
   * @param p50Ms the median latency
   * @param replica the replica's settings
   * @param key its key under {@code sample.catalog}, for messages
   * @return the profile
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  static DownstreamProfile profile(double p50Ms, Replica replica, String key) {
    if (!(replica.stallRate >= 0 && replica.stallRate <= 1)) {
      throw new IllegalArgumentException(
          "sample.catalog." + key + ".stall-rate must be in [0, 1], was " + replica.stallRate);
    }
    if (!(replica.stallMs >= 0 && replica.stallMs <= 60_000)) {
      throw new IllegalArgumentException(
          "sample.catalog." + key + ".stall-ms must be in [0, 60000], was " + replica.stallMs);
    }
    if (!(p50Ms >= 0 && p50Ms <= 60_000)) {
      throw new IllegalArgumentException(
          "sample.catalog.p50-ms must be in [0, 60000], was " + p50Ms);
    }
    return new DownstreamProfile(
        p50Ms, 0, 0, 0, false, false, replica.stallRate, replica.stallMs, 0, 0, 0, List.of());
  }

  /**
   * One replica's settings.
   *
   * <p>Not thread-safe; bound once at start-up.
   */
  public static class Replica {

    /** Port on 127.0.0.1; 0 picks a free one. */
    private int port = 0;

    /** Share of requests that stall, in [0, 1]. */
    private double stallRate;

    /** How much longer a stalled request takes, in milliseconds, in [0, 60000]. */
    private double stallMs;

    Replica(double stallRate, double stallMs) {
      this.stallRate = stallRate;
      this.stallMs = stallMs;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public double getStallRate() {
      return stallRate;
    }

    public void setStallRate(double stallRate) {
      this.stallRate = stallRate;
    }

    public double getStallMs() {
      return stallMs;
    }

    public void setStallMs(double stallMs) {
      this.stallMs = stallMs;
    }
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

  public Duration getReadTimeout() {
    return readTimeout;
  }

  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  public Replica getReplicaA() {
    return replicaA;
  }

  public Replica getReplicaB() {
    return replicaB;
  }
}
