package io.tailguard.sample.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Answers a downstream failure that got through every retry and hedge as 502 Bad Gateway: an error
 * status, no answer, or an answer that could not be read. (An open circuit, a rate limit and a
 * hedge timeout are answered by the starter: 503, 429 and 504.) Stateless and thread-safe.
 */
@RestControllerAdvice
public class DownstreamErrors {

  /**
   * The downstream answered with an error status.
   *
   * @param e the failure
   * @return 502 with the downstream's status
   */
  @ExceptionHandler(RestClientResponseException.class)
  public ProblemDetail failed(RestClientResponseException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_GATEWAY,
            "The downstream answered " + e.getStatusCode().value() + " after every retry.");
    problem.setProperty("downstreamStatus", e.getStatusCode().value());
    return problem;
  }

  /**
   * The downstream could not be reached or did not answer in time.
   *
   * @param e the failure
   * @return 502
   */
  @ExceptionHandler(ResourceAccessException.class)
  public ProblemDetail unreachable(ResourceAccessException e) {
    return ProblemDetail.forStatusAndDetail(
        HttpStatus.BAD_GATEWAY, "The downstream could not be reached after every retry.");
  }

  /**
   * The downstream answered, but not with what it promised (bytes that are not the JSON expected);
   * without this, the failure would be a 500.
   *
   * @param e the failure
   * @return 502
   */
  @ExceptionHandler(RestClientException.class)
  public ProblemDetail unreadable(RestClientException e) {
    return ProblemDetail.forStatusAndDetail(
        HttpStatus.BAD_GATEWAY, "The downstream's answer could not be read after every retry.");
  }
}
