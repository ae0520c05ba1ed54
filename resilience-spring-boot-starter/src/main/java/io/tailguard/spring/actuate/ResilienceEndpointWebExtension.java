package io.tailguard.spring.actuate;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The web side of {@link ResilienceEndpoint}: whether a request is shown the values of sensitive
 * keys follows {@code management.endpoint.resilience.show-values} and {@code .roles} for that
 * request's user, as Spring Boot's {@code env} and {@code configprops} web extensions do ({@code
 * when-authorized}: an authenticated user, in one of the roles if any are listed).
 *
 * <p>Thread-safe: it holds only immutable settings and the endpoint, which is.
 */
@EndpointWebExtension(endpoint = ResilienceEndpoint.class)
public class ResilienceEndpointWebExtension {

  private final ResilienceEndpoint endpoint;
  private final Show showValues;
  private final List<String> roles;

  /**
   * Creates the extension.
   *
   * @param endpoint the endpoint it answers for
   * @param showValues when values of sensitive keys are shown
   * @param roles the roles that may see them with {@link Show#WHEN_AUTHORIZED}; empty: any
   *     authenticated user
   */
  public ResilienceEndpointWebExtension(
      ResilienceEndpoint endpoint, Show showValues, Collection<String> roles) {
    this.endpoint = endpoint;
    this.showValues = showValues;
    this.roles = List.copyOf(roles);
  }

  private boolean shown(SecurityContext securityContext) {
    return showValues.isShown(securityContext, roles);
  }

  /**
   * Returns everything, as {@link ResilienceEndpoint#resilience()}.
   *
   * @param securityContext the request's user
   * @return 200 with the description
   */
  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> resilience(SecurityContext securityContext) {
    return found(endpoint.resilience(shown(securityContext)));
  }

  /**
   * Returns one engine, as {@link ResilienceEndpoint#engine(String)}.
   *
   * @param securityContext the request's user
   * @param engine the engine
   * @return 200 with its instances, or 404 for an unknown engine
   */
  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> engine(
      SecurityContext securityContext, @Selector String engine) {
    return found(endpoint.engine(engine, shown(securityContext)));
  }

  /**
   * Returns one instance, as {@link ResilienceEndpoint#instance(String, String)}.
   *
   * @param securityContext the request's user
   * @param engine the engine
   * @param name the instance
   * @return 200 with its description, or 404 if there is none
   */
  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> instance(
      SecurityContext securityContext, @Selector String engine, @Selector String name) {
    return found(endpoint.instance(engine, name, shown(securityContext)));
  }

  private static WebEndpointResponse<Map<String, Object>> found(Map<String, Object> body) {
    return body == null
        ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND)
        : new WebEndpointResponse<>(body);
  }
}
