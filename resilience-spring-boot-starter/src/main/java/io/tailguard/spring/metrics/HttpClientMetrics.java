package io.tailguard.spring.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tailguard.core.http.HttpClientEvent;
import io.tailguard.core.http.HttpClientRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exports the attempts of the clients under {@code resilience.http-clients}:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>tags</th></tr>
 *   <tr><td>{@code resilience_http_client_attempts_seconds} (a timer: one sample per attempt sent or
 *       refused, from sending to its end)</td><td>client, host, method, outcome = success, failure,
 *       rejected, cancelled; status = 1xx .. 5xx, or none</td></tr>
 *   <tr><td>{@code resilience_http_client_hedges_total} (attempts sent as hedges)</td><td>client,
 *       host, outcome</td></tr>
 * </table>
 *
 * <p>Cardinality is bounded: {@code host} is the guard's host tag ({@code host:port} for at most
 * {@code max-hosts} hosts per client, then {@code other}); {@code method} is one of the standard
 * methods or {@code other}; {@code status} is the status class, never the code. The per-host
 * breakers are breakers of the runtime's registry ({@code http:<client>:<host:port>}), so their
 * state and calls are exported with the other breakers'.
 *
 * <p>Meters are pushed from the guards' events; a meter, once looked up, is kept in a map, so a
 * steady stream of attempts registers nothing new.
 *
 * <p>Thread-safe.
 */
public final class HttpClientMetrics implements MeterBinder {

  // Tag values made once, not per attempt.
  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  private static final String[] OUTCOMES =
      java.util.Arrays.stream(HttpClientEvent.Outcome.values())
          .map(o -> o.name().toLowerCase(Locale.ROOT))
          .toArray(String[]::new);

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  private final HttpClientRegistry clients;
  // Timers and counters by their tags; a racy fill is harmless: Micrometer returns the same meter.
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
  private final Map<Key, Counter> hedges = new ConcurrentHashMap<>();

  /**
   * Creates the binder.
   *
   * @param clients the clients
   */
  public HttpClientMetrics(HttpClientRegistry clients) {
    this.clients = clients;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    clients.subscribe(
        e -> {
          if (e instanceof HttpClientEvent.AttemptFinished a) {
            record(registry, a);
          }
        });
  }

  private void record(MeterRegistry registry, HttpClientEvent.AttemptFinished a) {
    Key key =
        new Key(
            a.name(),
            a.host(),
            method(a.method()),
            OUTCOMES[a.outcome().ordinal()],
            statusClass(a.status()));
    timers
        .computeIfAbsent(
            key,
            k ->
                Timer.builder("resilience.http.client.attempts")
                    .description("Attempts of the HTTP clients, from sending to their end")
                    .tags(
                        "client", k.client(),
                        "host", k.host(),
                        "method", k.method(),
                        "outcome", k.outcome(),
                        "status", k.status())
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry))
        .record(a.duration());
    if (a.hedge()) {
      Key h = new Key(key.client(), key.host(), "", key.outcome(), "");
      hedges
          .computeIfAbsent(
              h,
              k ->
                  Counter.builder("resilience.http.client.hedges")
                      .description("Attempts the HTTP clients sent as hedges")
                      .tags("client", k.client(), "host", k.host(), "outcome", k.outcome())
                      .register(registry))
          .increment();
    }
  }

  /**
   * A standard method as it is; anything else {@code other}, so the tag stays bounded. Methods are
   * case-sensitive (RFC 9110), as the guard compares them: {@code get} is not {@code GET}.
   */
  static String method(String method) {
    return METHODS.contains(method) ? method : "other";
  }

  /** {@code 2xx} for 200 to 299 and so on; {@code none} without a response. */
  static String statusClass(int status) {
    return status >= 100 && status < 600 ? STATUS_CLASSES[status / 100 - 1] : "none";
  }

  private record Key(String client, String host, String method, String outcome, String status) {}
}
