package io.tailguard.core.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of one HTTP client, {@code resilience.http-clients.<name>}: where its requests go
 * ({@link #endpoints()}, {@link #routing()}), and which engines guard them, each by the name of an
 * instance configured in its own section ({@link #circuitBreaker()}, {@link #retry()}, {@link
 * #hedge()}, {@link #rateLimiter()}). A reference the configuration does not know is refused when
 * the configuration is loaded; {@link HttpClientRegistry} resolves them.
 *
 * <pre>{@code
 * HttpClientConfig c = HttpClientConfig.builder()
 *     .endpoints(List.of(HttpEndpoint.of("http://10.0.0.1:8080"), HttpEndpoint.of("http://10.0.0.2:8080")))
 *     .circuitBreaker("default")
 *     .hedge("inventory")
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @see Builder
 */
public final class HttpClientConfig {

  private static final HttpClientConfig DEFAULTS = new Builder().build();

  private final List<HttpEndpoint> endpoints;
  private final HttpRouting routing;
  private final String circuitBreaker;
  private final int maxHosts;
  private final String retry;
  private final Set<String> retryMethods;
  private final String hedge;
  private final Set<String> hedgeMethods;
  private final String rateLimiter;
  private final String rateLimitKeyHeader;

  private HttpClientConfig(Builder b) {
    this.endpoints = List.copyOf(b.endpoints);
    this.routing = b.routing;
    this.circuitBreaker = b.circuitBreaker;
    this.maxHosts = b.maxHosts;
    this.retry = b.retry;
    this.retryMethods = b.retryMethods;
    this.hedge = b.hedge;
    this.hedgeMethods = b.hedgeMethods;
    this.rateLimiter = b.rateLimiter;
    this.rateLimitKeyHeader = b.rateLimitKeyHeader;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the defaults: no endpoints (each request goes to its own host), no engines.
   *
   * @return the defaults
   */
  public static HttpClientConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder with these settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The endpoints, in configured order; empty (the default) means every request goes to its own
   * host, unchanged.
   *
   * @return the endpoints
   * @see Builder#endpoints(List)
   */
  public List<HttpEndpoint> endpoints() {
    return endpoints;
  }

  /**
   * How attempts are spread over the endpoints. Default {@link HttpRouting#ORDERED}.
   *
   * @return the routing
   */
  public HttpRouting routing() {
    return routing;
  }

  /**
   * The circuit-breaker instance whose settings each per-host breaker gets ({@code default} for the
   * section's defaults); empty (the default) means no breakers.
   *
   * @return the name, or empty
   */
  public Optional<String> circuitBreaker() {
    return Optional.ofNullable(circuitBreaker);
  }

  /**
   * The most hosts that get a breaker and a host tag of their own, in [1, 1024]; the hosts beyond
   * share one breaker and the tag {@code other}. Default 16.
   *
   * @return the bound
   */
  public int maxHosts() {
    return maxHosts;
  }

  /**
   * The retry policy requests are retried by; empty (the default) means no retry.
   *
   * @return the policy's name, or empty
   */
  public Optional<String> retry() {
    return Optional.ofNullable(retry);
  }

  /**
   * The methods whose requests may be retried, in upper case. Default the idempotent methods of RFC
   * 9110: DELETE, GET, HEAD, OPTIONS, PUT, TRACE. A request's method is compared as it is (methods
   * are case-sensitive), so a request's {@code get} is not {@code GET}.
   *
   * @return the methods, sorted
   */
  public Set<String> retryMethods() {
    return retryMethods;
  }

  /**
   * The hedge instance requests are hedged by ({@code default} for the section's defaults); empty
   * (the default) means no hedging.
   *
   * @return the name, or empty
   */
  public Optional<String> hedge() {
    return Optional.ofNullable(hedge);
  }

  /**
   * The methods whose requests may be hedged, in upper case. Default GET, HEAD, OPTIONS. A
   * request's method is compared as it is.
   *
   * @return the methods, sorted
   */
  public Set<String> hedgeMethods() {
    return hedgeMethods;
  }

  /**
   * The rate-limiter instance requests take a permit from; empty (the default) means no limit.
   *
   * @return the name, or empty
   */
  public Optional<String> rateLimiter() {
    return Optional.ofNullable(rateLimiter);
  }

  /**
   * The request header whose value is the rate-limit key; empty (the default) means one key per
   * client (its name). A request without the header uses the client's name too.
   *
   * @return the header name, or empty
   */
  public Optional<String> rateLimitKeyHeader() {
    return Optional.ofNullable(rateLimitKeyHeader);
  }

  /**
   * Returns the settings as reports show them, keyed by Java name.
   *
   * @return an ordered map of plain values
   */
  public Map<String, Object> toMap() {
    return HttpClientSettings.HTTP_CLIENT.report(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpClientConfig c && HttpClientSettings.HTTP_CLIENT.equal(this, c);
  }

  @Override
  public int hashCode() {
    return HttpClientSettings.HTTP_CLIENT.hash(this);
  }

  @Override
  public String toString() {
    return "HttpClientConfig" + toMap();
  }

  /**
   * Builds an {@link HttpClientConfig}; each setter validates its argument at once.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    private List<HttpEndpoint> endpoints = List.of();
    private HttpRouting routing = HttpClientSettings.ROUTING.defaultValue();
    private String circuitBreaker;
    private int maxHosts = HttpClientSettings.MAX_HOSTS.defaultValue();
    private String retry;
    private Set<String> retryMethods =
        HttpClientSettings.methods(HttpClientSettings.RETRY_METHODS.defaultValue());
    private String hedge;
    private Set<String> hedgeMethods =
        HttpClientSettings.methods(HttpClientSettings.HEDGE_METHODS.defaultValue());
    private String rateLimiter;
    private String rateLimitKeyHeader;

    private Builder() {}

    private Builder(HttpClientConfig c) {
      endpoints = c.endpoints;
      routing = c.routing;
      circuitBreaker = c.circuitBreaker;
      maxHosts = c.maxHosts;
      retry = c.retry;
      retryMethods = c.retryMethods;
      hedge = c.hedge;
      hedgeMethods = c.hedgeMethods;
      rateLimiter = c.rateLimiter;
      rateLimitKeyHeader = c.rateLimitKeyHeader;
    }

    /**
     * Sets the endpoints.
     *
     * @param endpoints the endpoints, in order; empty for none
     * @return this builder
     * @throws IllegalArgumentException if it is null or holds null
     */
    public Builder endpoints(List<HttpEndpoint> endpoints) {
      this.endpoints = List.copyOf(HttpClientSettings.ENDPOINTS.check(endpoints));
      return this;
    }

    /**
     * Sets the routing.
     *
     * @param routing the routing
     * @return this builder
     * @throws IllegalArgumentException if it is null
     */
    public Builder routing(HttpRouting routing) {
      this.routing = HttpClientSettings.ROUTING.check(routing);
      return this;
    }

    /**
     * Sets the circuit-breaker instance of the per-host breakers.
     *
     * @param name an instance name, {@code default}, or null for no breakers
     * @return this builder
     * @throws IllegalArgumentException if it is not an instance name
     */
    public Builder circuitBreaker(String name) {
      this.circuitBreaker = HttpClientSettings.CIRCUIT_BREAKER.check(name);
      return this;
    }

    /**
     * Sets the most hosts with a breaker and tag of their own.
     *
     * @param maxHosts in [1, 1024]
     * @return this builder
     * @throws IllegalArgumentException if it is out of range
     */
    public Builder maxHosts(int maxHosts) {
      this.maxHosts = HttpClientSettings.MAX_HOSTS.check(maxHosts);
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param name a policy name, or null for no retry
     * @return this builder
     * @throws IllegalArgumentException if it is not an instance name
     */
    public Builder retry(String name) {
      this.retry = HttpClientSettings.RETRY.check(name);
      return this;
    }

    /**
     * Sets the methods that may be retried.
     *
     * @param methods method names (any case)
     * @return this builder
     * @throws IllegalArgumentException if it is null or holds a name that is no method
     */
    public Builder retryMethods(Collection<String> methods) {
      this.retryMethods =
          HttpClientSettings.methods(HttpClientSettings.RETRY_METHODS.check(copy(methods)));
      return this;
    }

    /**
     * Sets the hedge instance.
     *
     * @param name an instance name, {@code default}, or null for no hedging
     * @return this builder
     * @throws IllegalArgumentException if it is not an instance name
     */
    public Builder hedge(String name) {
      this.hedge = HttpClientSettings.HEDGE.check(name);
      return this;
    }

    /**
     * Sets the methods that may be hedged.
     *
     * @param methods method names (any case)
     * @return this builder
     * @throws IllegalArgumentException if it is null or holds a name that is no method
     */
    public Builder hedgeMethods(Collection<String> methods) {
      this.hedgeMethods =
          HttpClientSettings.methods(HttpClientSettings.HEDGE_METHODS.check(copy(methods)));
      return this;
    }

    /**
     * Sets the rate limiter.
     *
     * @param name a limiter name, or null for no limit
     * @return this builder
     * @throws IllegalArgumentException if it is not an instance name
     */
    public Builder rateLimiter(String name) {
      this.rateLimiter = HttpClientSettings.RATE_LIMITER.check(name);
      return this;
    }

    /**
     * Sets the header whose value is the rate-limit key.
     *
     * @param header a header name, or null for one key per client
     * @return this builder
     * @throws IllegalArgumentException if it is not a header name
     */
    public Builder rateLimitKeyHeader(String header) {
      this.rateLimitKeyHeader = HttpClientSettings.RATE_LIMIT_KEY_HEADER.check(header);
      return this;
    }

    /**
     * Creates the config.
     *
     * @return the config
     * @throws IllegalArgumentException if a rule between settings is broken (a key header without a
     *     rate limiter)
     */
    public HttpClientConfig build() {
      return HttpClientSettings.HTTP_CLIENT.checkRules(new HttpClientConfig(this));
    }

    // A copy that tolerates null elements, so the check names them instead of List.copyOf
    // throwing a bare NullPointerException.
    private static Collection<String> copy(Collection<String> methods) {
      return methods == null ? null : new ArrayList<>(methods);
    }
  }
}
