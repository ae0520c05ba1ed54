package io.tailguard.spring.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code resilience} Actuator endpoint beyond Spring Boot's own ({@code access},
 * {@code cache.time-to-live}): when it shows values of sensitive keys, as {@code
 * management.endpoint.env} and {@code management.endpoint.configprops} do.
 *
 * <p>Not thread-safe; bound once at start-up.
 */
@ConfigurationProperties("management.endpoint.resilience")
public class ResilienceEndpointProperties {

  /**
   * When to show values of keys that are likely sensitive (URIs, addresses, passwords, secrets,
   * keys, tokens, credentials), such as resilience.rate-limiter.redis.uri. A URI's password is
   * masked even when shown.
   */
  private Show showValues = Show.NEVER;

  /**
   * Roles used to determine whether a user is authorized to be shown values of sensitive keys. When
   * empty, all authenticated users are authorized.
   */
  private final Set<String> roles = new LinkedHashSet<>();

  public Show getShowValues() {
    return showValues;
  }

  public void setShowValues(Show showValues) {
    this.showValues = showValues;
  }

  public Set<String> getRoles() {
    return roles;
  }
}
