package io.tailguard.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The web side of {@link ResilienceEventsEndpoint}: a query out of the endpoint's bounds answers
 * 400 with a body that says which parameter and its allowed range ({@code title}, {@code status},
 * {@code detail}, as in RFC 9457). Without it, Spring Boot's error page drops the reason unless
 * {@code server.error.include-message} is set, and a client learns only "Bad Request".
 *
 * <p>Thread-safe: it holds only the endpoint, which is.
 */
@EndpointWebExtension(endpoint = ResilienceEventsEndpoint.class)
public class ResilienceEventsEndpointWebExtension {

  private final ResilienceEventsEndpoint endpoint;

  /**
   * Creates the extension.
   *
   * @param endpoint the endpoint it answers for
   */
  public ResilienceEventsEndpointWebExtension(ResilienceEventsEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Returns recent calls, as {@link ResilienceEventsEndpoint#events}.
   *
   * @param seconds how far back
   * @param name only this instance
   * @param engine only this engine
   * @param limit at most this many
   * @return 200 with the calls, or 400 naming the parameter out of its range
   */
  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> events(
      @Nullable Long seconds,
      @Nullable String name,
      @Nullable String engine,
      @Nullable Integer limit) {
    return answer(() -> endpoint.events(seconds, name, engine, limit));
  }

  /**
   * Returns windowed metrics, as {@link ResilienceEventsEndpoint#windows}.
   *
   * @param kind must be {@code windows}
   * @param seconds how far back
   * @param window window size in seconds
   * @param step distance between window starts in seconds
   * @param name only this instance
   * @param engine only this engine
   * @return 200 with the windows, 404 for another kind, or 400 naming the parameter out of its
   *     range
   */
  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> windows(
      @Selector String kind,
      @Nullable Long seconds,
      @Nullable Long window,
      @Nullable Long step,
      @Nullable String name,
      @Nullable String engine) {
    return answer(() -> endpoint.windows(kind, seconds, window, step, name, engine));
  }

  private static WebEndpointResponse<Map<String, Object>> answer(
      Supplier<Map<String, Object>> query) {
    Map<String, Object> body;
    try {
      body = query.get();
    } catch (InvalidEndpointRequestException e) {
      Map<String, Object> problem = new LinkedHashMap<>();
      problem.put("title", "Bad Request");
      problem.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
      problem.put("detail", e.getReason());
      return new WebEndpointResponse<>(problem, WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    return body == null
        ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND)
        : new WebEndpointResponse<>(body);
  }
}
