package io.tailguard.sample.catalog;

import io.tailguard.sample.downstream.Downstream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The catalog service: two replicas of one HTTP server on 127.0.0.1 (each a {@link Downstream}
 * serving {@code GET /catalog/{sku}}), {@code a} with occasional stalls and {@code b} without, so
 * that a call hedged from {@code a} to {@code b} is answered while {@code a} stalls. Each replica's
 * profile can be changed at run time, like the first downstream's.
 *
 * <p>Thread-safe: the replicas are; the map is immutable. {@link #close()} stops both.
 */
public final class CatalogReplicas implements AutoCloseable {

  /** The replicas' names, in the order of the client's endpoints. */
  public static final List<String> NAMES = List.of("a", "b");

  private final Map<String, Downstream> replicas;

  private CatalogReplicas(Map<String, Downstream> replicas) {
    this.replicas = replicas;
  }

  /**
   * Starts both replicas.
   *
   * @param properties their settings
   * @return the running replicas
   * @throws IOException if a port cannot be bound (the other replica is stopped)
   * @throws IllegalArgumentException naming the setting when a value is out of range
   */
  public static CatalogReplicas start(CatalogProperties properties) throws IOException {
    var a = CatalogProperties.profile(properties.getP50Ms(), properties.getReplicaA(), "replica-a");
    var b = CatalogProperties.profile(properties.getP50Ms(), properties.getReplicaB(), "replica-b");
    Downstream first =
        Downstream.start(properties.getReplicaA().getPort(), a, properties.getSeed(), "catalog-a");
    try {
      Downstream second =
          Downstream.start(
              properties.getReplicaB().getPort(), b, properties.getSeed() + 1, "catalog-b");
      return new CatalogReplicas(Map.of("a", first, "b", second));
    } catch (IOException | RuntimeException e) {
      first.close();
      throw e;
    }
  }

  /**
   * One replica.
   *
   * @param name {@code a} or {@code b}
   * @return the replica
   * @throws IllegalArgumentException for another name
   */
  public Downstream replica(String name) {
    Downstream d = replicas.get(name);
    if (d == null) {
      throw new IllegalArgumentException(
          "replica must be one of " + NAMES + ", was '" + name + "'");
    }
    return d;
  }

  /** Stops both replicas. */
  @Override
  public void close() {
    replicas.values().forEach(Downstream::close);
  }
}
