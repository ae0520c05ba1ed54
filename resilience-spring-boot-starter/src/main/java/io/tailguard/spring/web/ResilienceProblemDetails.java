package io.tailguard.spring.web;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.hedge.HedgeTimeoutException;
import io.tailguard.core.ratelimiter.InvalidRateLimitKeyException;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import java.net.URI;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns rejections that reach a web controller into RFC 9457 problem details: an open circuit
 * becomes 503 Service Unavailable with {@code Retry-After}, a rate-limit refusal 429 Too Many
 * Requests with {@code Retry-After}, a rate-limit key that breaks a key rule (keys often come from
 * the client) 400 Bad Request, a hedging timeout 504 Gateway Timeout. {@code Retry-After} is in
 * whole seconds, rounded up and never 0: a client told to retry at once would hammer what refused
 * it. Works with Spring MVC and WebFlux. Ordered just before the lowest precedence, so an
 * application's own handlers with an explicit order win, and a catch-all
 * {@code @ExceptionHandler(Exception.class)} at the default order does not hide these.
 *
 * <p>Stateless and thread-safe.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE - 10)
public class ResilienceProblemDetails {

  /** The problem type of a refusal by an open circuit. */
  public static final URI CIRCUIT_OPEN = URI.create("https://tailguard.io/problems/circuit-open");

  /** The problem type of a hedged call that timed out. */
  public static final URI HEDGE_TIMEOUT = URI.create("https://tailguard.io/problems/hedge-timeout");

  /**
   * Answers an open circuit.
   *
   * @param e the rejection
   * @return 503 with Retry-After (whole seconds, rounded up, at least 1) and a problem detail
   */
  @ExceptionHandler(CircuitRejectedException.class)
  public ResponseEntity<ProblemDetail> circuitRejected(CircuitRejectedException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE,
            "The dependency '" + e.name() + "' is unavailable (" + e.reason() + ").");
    problem.setType(CIRCUIT_OPEN);
    problem.setTitle("Service Unavailable");
    problem.setProperty("circuit", e.name());
    problem.setProperty("reason", e.reason().name());
    // A half-open breaker's permit may free up any moment (zero): one second is the least a header
    // of whole seconds can say without inviting an immediate retry.
    long retryAfter = retryAfterSeconds(e.retryAfter());
    problem.setProperty("retryAfterSeconds", retryAfter);
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
        .body(problem);
  }

  /**
   * Answers a hedged call that timed out.
   *
   * @param e the timeout
   * @return 504 with a problem detail
   */
  @ExceptionHandler(HedgeTimeoutException.class)
  public ResponseEntity<ProblemDetail> hedgeTimeout(HedgeTimeoutException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.GATEWAY_TIMEOUT, e.getMessage());
    problem.setType(HEDGE_TIMEOUT);
    problem.setTitle("Gateway Timeout");
    problem.setProperty("hedger", e.name());
    problem.setProperty("attempts", e.attempts());
    return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).body(problem);
  }

  /** The problem type of a request refused by a rate limiter. */
  public static final URI RATE_LIMITED = URI.create("https://tailguard.io/problems/rate-limited");

  /**
   * Answers a rate-limit refusal.
   *
   * @param e the refusal
   * @return 429 with Retry-After (whole seconds, rounded up, at least 1), RateLimit-Limit and
   *     RateLimit-Remaining, and a problem detail that names the limiter, never the key
   */
  @ExceptionHandler(RateLimitExceededException.class)
  public ResponseEntity<ProblemDetail> rateLimited(RateLimitExceededException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
    problem.setType(RATE_LIMITED);
    problem.setTitle("Too Many Requests");
    problem.setProperty("limiter", e.limiterName());
    problem.setProperty("reason", e.reason().name());
    long retryAfter = retryAfterSeconds(e.retryAfter());
    problem.setProperty("retryAfterSeconds", retryAfter);
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter))
        .header("RateLimit-Limit", Integer.toString(e.limit()))
        .header("RateLimit-Remaining", "0")
        .body(problem);
  }

  /** The problem type of a request whose rate-limit key breaks a key rule. */
  public static final URI INVALID_RATE_LIMIT_KEY =
      URI.create("https://tailguard.io/problems/invalid-rate-limit-key");

  /**
   * Answers a rate-limit key that breaks a key rule (too long, or braces on the Redis backend).
   *
   * @param e the refusal
   * @return 400 with a problem detail that names the limiter and the rule, never the key
   */
  @ExceptionHandler(InvalidRateLimitKeyException.class)
  public ResponseEntity<ProblemDetail> invalidRateLimitKey(InvalidRateLimitKeyException e) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.BAD_REQUEST, "The rate-limit key is not valid: " + e.getMessage());
    problem.setType(INVALID_RATE_LIMIT_KEY);
    problem.setTitle("Bad Request");
    problem.setProperty("limiter", e.limiterName());
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(problem);
  }

  /** The value of a {@code Retry-After} header: whole seconds, rounded up, at least 1. */
  static long retryAfterSeconds(Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      return 1;
    }
    long s = d.getSeconds();
    return d.getNano() > 0 && s < Long.MAX_VALUE ? s + 1 : s;
  }
}
