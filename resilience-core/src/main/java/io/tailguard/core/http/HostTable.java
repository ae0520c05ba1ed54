package io.tailguard.core.http;

import io.tailguard.core.circuitbreaker.CircuitBreaker;
import io.tailguard.core.circuitbreaker.CircuitConfig;
import io.tailguard.core.internal.InstanceNames;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The hosts of one client's configuration: each known host's tag and breaker, at most {@code
 * maxHosts} of them (the configured endpoints' first); every other host shares the tag {@value
 * #OTHER} and one breaker, so tags and breakers stay bounded whatever the requests name.
 *
 * <p>Thread-safe. Lookups read the concurrent map; a new host is added under {@code this}, which
 * guards the bound and the creation of its breaker (the breaker factory must not call back).
 */
final class HostTable {

  /** What every per-host breaker's name starts with. */
  static final String PREFIX = "http:";

  /** The tag of the hosts beyond {@code max-hosts}. */
  static final String OTHER = "other";

  /** One host: its tag and its breaker, null when the client has no breakers. */
  record Host(String tag, CircuitBreaker breaker) {}

  private final String client;
  private final int max;
  // Null when the client has no breakers.
  private final CircuitConfig breakerConfig;
  // Creates (or reconfigures) a per-host breaker by name in the runtime's registry.
  private final BiFunction<String, CircuitConfig, CircuitBreaker> breakers;
  // Written under `this` (puts happen-before later gets through the map).
  private final Map<String, Host> hosts = new ConcurrentHashMap<>();
  // Guarded by this: the tags in the order they came, so a reload keeps the first ones.
  private final List<String> order = new ArrayList<>();
  // Guarded by this; created on first use.
  private Host other;

  HostTable(
      String client,
      int max,
      CircuitConfig breakerConfig,
      BiFunction<String, CircuitConfig, CircuitBreaker> breakers) {
    this.client = client;
    this.max = max;
    this.breakerConfig = breakerConfig;
    this.breakers = breakers;
  }

  /** Returns the host of a URI, adding it if there is room, else the shared {@value #OTHER}. */
  Host host(URI uri) {
    return host(HttpEndpoint.hostTag(uri));
  }

  Host host(String tag) {
    Host h = hosts.get(tag);
    if (h != null) {
      return h;
    }
    synchronized (this) {
      h = hosts.get(tag);
      if (h != null) {
        return h;
      }
      if (order.size() < max) {
        h = new Host(tag, breaker(tag));
        order.add(tag);
        hosts.put(tag, h);
        return h;
      }
      if (other == null) {
        other = new Host(OTHER, breaker(OTHER));
      }
      return other;
    }
  }

  /** Returns the tag a URI would get, without adding its host. */
  String tagOf(URI uri) {
    String tag = HttpEndpoint.hostTag(uri);
    if (hosts.containsKey(tag)) {
      return tag;
    }
    synchronized (this) {
      return hosts.containsKey(tag) || order.size() < max ? tag : OTHER;
    }
  }

  private CircuitBreaker breaker(String tag) {
    return breakerConfig == null ? null : breakers.apply(breakerName(client, tag), breakerConfig);
  }

  /** The tags added so far, in order. */
  synchronized List<String> tags() {
    return List.copyOf(order);
  }

  /** The hosts with their breakers, by tag, {@value #OTHER} last if used. */
  synchronized Map<String, Host> hosts() {
    Map<String, Host> m = new LinkedHashMap<>();
    order.forEach(t -> m.put(t, hosts.get(t)));
    if (other != null) {
      m.put(OTHER, other);
    }
    return m;
  }

  /** The names of the breakers this table made. */
  synchronized Collection<String> breakerNames() {
    List<String> names = new ArrayList<>();
    if (breakerConfig == null) {
      return names;
    }
    order.forEach(t -> names.add(breakerName(client, t)));
    if (other != null) {
      names.add(breakerName(client, OTHER));
    }
    return names;
  }

  /**
   * The name of a client's per-host breaker: {@code http:<client>:<tag>}, characters an instance
   * name does not allow replaced by {@code _}, cut to 128 characters with a hash to stay unique.
   */
  static String breakerName(String client, String tag) {
    StringBuilder b = new StringBuilder(PREFIX).append(client).append(':');
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == ':'
              || c == '/';
      b.append(ok ? c : '_');
    }
    if (b.length() > InstanceNames.MAX_LENGTH) {
      String hash = Integer.toHexString(b.toString().hashCode());
      b.setLength(InstanceNames.MAX_LENGTH - hash.length() - 1);
      b.append('-').append(hash);
    }
    return b.toString();
  }
}
