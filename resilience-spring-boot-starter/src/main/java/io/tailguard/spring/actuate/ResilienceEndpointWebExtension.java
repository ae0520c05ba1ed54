package io.tailguard.spring.actuate;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.MimeType;

/**
 * The web side of {@link ResilienceEndpoint}: whether a request is shown the values of sensitive
 * keys follows {@code management.endpoint.resilience.show-values} and {@code .roles} for that
 * request's user, as Spring Boot's {@code env} and {@code configprops} web extensions do ({@code
 * when-authorized}: an authenticated user, in one of the roles if any are listed); and a refused
 * write answers its status (400, or 404 for an unknown breaker) with an RFC 9457 problem detail
 * ({@code application/problem+json}) naming each key and its allowed values. Its write operations
 * exist only when the endpoint's access is unrestricted, as the endpoint's own.
 *
 * <p>Thread-safe: it holds only immutable settings and the endpoint, which is.
 */
@EndpointWebExtension(endpoint = ResilienceEndpoint.class)
public class ResilienceEndpointWebExtension {

  /** The media type of a refused write's answer (RFC 9457). */
  static final MimeType PROBLEM_JSON = MimeType.valueOf("application/problem+json");

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

  /**
   * Runs an operator action, as {@link ResilienceEndpoint#runAction}.
   *
   * @param engine must be {@code circuit-breakers}
   * @param name the breaker
   * @param action force-open, disable, close or reset
   * @return 200 with the breaker's description, or 400 or 404 with a problem detail
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> act(
      @Selector String engine, @Selector String name, String action) {
    return answer(endpoint.runAction(engine, name, action));
  }

  /**
   * Applies a configuration document, as {@link ResilienceEndpoint#applyDocument}.
   *
   * @param securityContext the request's user, who may or may not see values of sensitive keys in
   *     the changes
   * @param yaml the document, rooted at {@code resilience:}
   * @param mode {@code merge} (the default) or {@code replace}
   * @return 200 with the changes, or 400 with a problem detail listing every problem
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> reconfigure(
      SecurityContext securityContext, String yaml, @Nullable String mode) {
    return answer(endpoint.applyDocument(yaml, mode, shown(securityContext)));
  }

  private static WebEndpointResponse<Map<String, Object>> answer(
      ResilienceEndpoint.Outcome outcome) {
    return outcome.refused()
        ? new WebEndpointResponse<>(outcome.body(), outcome.status(), PROBLEM_JSON)
        : new WebEndpointResponse<>(outcome.body());
  }

  private static WebEndpointResponse<Map<String, Object>> found(Map<String, Object> body) {
    return body == null
        ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND)
        : new WebEndpointResponse<>(body);
  }
}
