package io.tailguard.core.http;

import io.tailguard.core.internal.InstanceNames;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declaration of an HTTP client's settings ({@link HttpClientConfig}, {@code
 * resilience.http-clients.<name>}) and of its endpoints ({@link HttpEndpoint}): keys, defaults,
 * ranges, docs and rules. The builder validates with it and the YAML mapper, writer and reports
 * iterate it.
 *
 * <p>Not part of the public API: read {@link io.tailguard.core.config.ConfigSchema}. It must not
 * read static fields of the config classes, which read it while they initialize. Stateless and
 * thread-safe.
 */
// Its groups are typed with the core's internal settings package, which the module does not
// export: the config package uses them inside the module; ConfigSchema is the public view.
@SuppressWarnings("exports")
public final class HttpClientSettings {

  private HttpClientSettings() {}

  // The longest header name accepted.
  private static final int MAX_HEADER_LENGTH = 256;

  static final Setting<HttpEndpoint, String> URL =
      Setting.<HttpEndpoint>string(
              "url",
              "url",
              null,
              "The endpoint: scheme://host[:port][/base-path], http or https; required.",
              e -> e.url() == null ? null : e.url().toString())
          .checking(HttpEndpoint::problem);
  static final Setting<HttpEndpoint, Integer> WEIGHT =
      Setting.integer(
          "weight",
          "weight",
          1,
          HttpEndpoint.MIN_WEIGHT,
          HttpEndpoint.MAX_WEIGHT,
          "The endpoint's share of primaries under weighted routing.",
          HttpEndpoint::weight);

  /** An endpoint's settings. */
  public static final SettingGroup<HttpEndpoint> ENDPOINT =
      SettingGroup.of(
          "An endpoint (replica) of an HTTP client.",
          List.of(URL, WEIGHT),
          List.of(
              Rule.<HttpEndpoint>of(
                  "url is set", v -> v.get(URL) != null, (v, n) -> n.apply(URL) + " is required")),
          v -> new HttpEndpoint(URI.create(v.get(URL).trim()), v.get(WEIGHT)));

  static final Setting<HttpClientConfig, List<HttpEndpoint>> ENDPOINTS =
      Setting.list(
          "endpoints",
          "endpoints",
          ENDPOINT,
          "The endpoints requests are sent to, each attempt to the next; empty means the request's"
              + " own host.",
          HttpClientConfig::endpoints);
  static final Setting<HttpClientConfig, HttpRouting> ROUTING =
      Setting.enumeration(
          "routing",
          "routing",
          HttpRouting.class,
          HttpRouting.ORDERED,
          "How attempts are spread over the endpoints: in order, or by a weighted draw.",
          HttpClientConfig::routing);
  static final Setting<HttpClientConfig, String> CIRCUIT_BREAKER =
      Setting.<HttpClientConfig>string(
              "circuit-breaker",
              "circuitBreaker",
              null,
              "The circuit-breaker instance (or default) whose settings each per-host breaker uses;"
                  + " unset, no breakers.",
              c -> c.circuitBreaker().orElse(null))
          .checking(HttpClientSettings::nameProblem);
  static final Setting<HttpClientConfig, Integer> MAX_HOSTS =
      Setting.integer(
          "max-hosts",
          "maxHosts",
          16,
          1,
          1024,
          "The most hosts with a breaker and a host tag of their own; the rest share 'other'.",
          HttpClientConfig::maxHosts);
  static final Setting<HttpClientConfig, String> RETRY =
      Setting.<HttpClientConfig>string(
              "retry",
              "retry",
              null,
              "The retry policy requests are retried by; unset, no retry.",
              c -> c.retry().orElse(null))
          .checking(HttpClientSettings::nameProblem);
  static final Setting<HttpClientConfig, Collection<String>> RETRY_METHODS =
      Setting.httpMethods(
          "retry-methods",
          "retryMethods",
          methods("DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"),
          "The HTTP methods whose requests may be retried.",
          HttpClientConfig::retryMethods);
  static final Setting<HttpClientConfig, String> HEDGE =
      Setting.<HttpClientConfig>string(
              "hedge",
              "hedge",
              null,
              "The hedge instance (or default) requests are hedged by; unset, no hedging.",
              c -> c.hedge().orElse(null))
          .checking(HttpClientSettings::nameProblem);
  static final Setting<HttpClientConfig, Collection<String>> HEDGE_METHODS =
      Setting.httpMethods(
          "hedge-methods",
          "hedgeMethods",
          methods("GET", "HEAD", "OPTIONS"),
          "The HTTP methods whose requests may be hedged.",
          HttpClientConfig::hedgeMethods);
  static final Setting<HttpClientConfig, String> RATE_LIMITER =
      Setting.<HttpClientConfig>string(
              "rate-limiter",
              "rateLimiter",
              null,
              "The rate-limiter instance requests take a permit from; unset, no limit.",
              c -> c.rateLimiter().orElse(null))
          .checking(HttpClientSettings::nameProblem);
  static final Setting<HttpClientConfig, String> RATE_LIMIT_KEY_HEADER =
      Setting.<HttpClientConfig>string(
              "rate-limit-key-header",
              "rateLimitKeyHeader",
              null,
              "The request header whose value is the rate-limit key; unset, one key per client.",
              c -> c.rateLimitKeyHeader().orElse(null))
          .checking(HttpClientSettings::headerProblem);

  /** An HTTP client's settings. */
  public static final SettingGroup<HttpClientConfig> HTTP_CLIENT =
      SettingGroup.of(
          "An HTTP client guarded without annotations.",
          List.of(
              ENDPOINTS,
              ROUTING,
              CIRCUIT_BREAKER,
              MAX_HOSTS,
              RETRY,
              RETRY_METHODS,
              HEDGE,
              HEDGE_METHODS,
              RATE_LIMITER,
              RATE_LIMIT_KEY_HEADER),
          List.of(
              Rule.<HttpClientConfig>of(
                      "rate-limit-key-header only with rate-limiter",
                      v -> v.get(RATE_LIMIT_KEY_HEADER) == null || v.get(RATE_LIMITER) != null,
                      (v, n) ->
                          n.apply(RATE_LIMIT_KEY_HEADER)
                              + " needs "
                              + n.apply(RATE_LIMITER)
                              + " to be set, was '"
                              + v.get(RATE_LIMIT_KEY_HEADER)
                              + "' without it")
                  .at(RATE_LIMIT_KEY_HEADER),
              Rule.<HttpClientConfig>of(
                      "max-hosts >= the number of endpoint hosts",
                      v -> v.get(MAX_HOSTS) >= hostCount(v.get(ENDPOINTS)),
                      (v, n) ->
                          n.apply(MAX_HOSTS)
                              + " must be at least the number of endpoint hosts ("
                              + hostCount(v.get(ENDPOINTS))
                              + "), was "
                              + v.get(MAX_HOSTS))
                  .at(MAX_HOSTS)),
          v ->
              HttpClientConfig.builder()
                  .endpoints(v.get(ENDPOINTS))
                  .routing(v.get(ROUTING))
                  .circuitBreaker(v.get(CIRCUIT_BREAKER))
                  .maxHosts(v.get(MAX_HOSTS))
                  .retry(v.get(RETRY))
                  .retryMethods(v.get(RETRY_METHODS))
                  .hedge(v.get(HEDGE))
                  .hedgeMethods(v.get(HEDGE_METHODS))
                  .rateLimiter(v.get(RATE_LIMITER))
                  .rateLimitKeyHeader(v.get(RATE_LIMIT_KEY_HEADER))
                  .build());

  private static int hostCount(List<HttpEndpoint> endpoints) {
    Set<String> hosts = new TreeSet<>();
    endpoints.forEach(e -> hosts.add(e.hostTag()));
    return hosts.size();
  }

  /** A sorted, unmodifiable set of method names in upper case. */
  static Set<String> methods(String... names) {
    return methods(List.of(names));
  }

  static Set<String> methods(Collection<String> names) {
    TreeSet<String> s = new TreeSet<>();
    for (String n : names) {
      s.add(n.trim().toUpperCase(Locale.ROOT));
    }
    return Collections.unmodifiableSortedSet(s);
  }

  private static String nameProblem(String name) {
    if (name == null || InstanceNames.isValid(name)) {
      return null;
    }
    return "must be an instance name (1 to "
        + InstanceNames.MAX_LENGTH
        + " letters, digits or . _ - : / starting with a letter"
        + " or digit), was '"
        + name
        + "'";
  }

  private static String headerProblem(String header) {
    // RFC 9110 section 5.1: a header name is a token.
    if (header == null || (header.length() <= MAX_HEADER_LENGTH && HttpCall.isToken(header))) {
      return null;
    }
    return "must be an HTTP header name (a token of letters, digits and !#$%&'*+.^_`|~-), was '"
        + header
        + "'";
  }
}
