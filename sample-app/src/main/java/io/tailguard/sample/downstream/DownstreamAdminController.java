package io.tailguard.sample.downstream;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Changes the embedded downstream at run time, so a user can grow its latency tail, cause an outage
 * or inject a fault (the chaos suite's) and watch the breakers, hedges and health react.
 *
 * <pre>
 * curl -s 127.0.0.1:8080/admin/downstream
 * curl -s -H 'Content-Type: application/json' -d '{"outage":true}' 127.0.0.1:8080/admin/downstream
 * curl -s -H 'Content-Type: application/json' \
 *      -d '{"p50Ms":20,"tailMs":400,"tailProbability":0.05,"failureRate":0,"outage":false}' \
 *      127.0.0.1:8080/admin/downstream
 * </pre>
 *
 * <p>Faults (see {@link DownstreamProfile}): {@code {"hang":true}} (requests read, never answered),
 * {@code {"slowRate":0.5,"slowMs":300}} (a brownout), {@code {"flapMs":1500}} (healthy and failing
 * in turn; 0 stops it), {@code {"resetRate":0.2}} (connections closed without an answer), {@code
 * {"garbageRate":0.2}} (200 with bytes that are not JSON), {@code {"down":["db","inventory"]}}
 * (those routes answer 503; {@code []} brings them back).
 *
 * <p>Fields left out stay as they are. A write endpoint like this one must never be reachable by
 * the public: the sample listens on 127.0.0.1 only (see the README's production hardening).
 *
 * <p>Thread-safe: the downstream swaps its profile atomically.
 */
@RestController
@RequestMapping("/admin/downstream")
public class DownstreamAdminController {

  private final Downstream downstream;

  public DownstreamAdminController(Downstream downstream) {
    this.downstream = downstream;
  }

  /**
   * The profile in force and what the downstream has served.
   *
   * @return profile and counts
   */
  @GetMapping
  public Map<String, Object> get() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", downstream.baseUrl().toString());
    body.put("profile", downstream.profile());
    body.put("stats", downstream.stats());
    return body;
  }

  /**
   * Changes the profile.
   *
   * @param change the fields to change
   * @return the profile now in force
   */
  @PostMapping
  public DownstreamProfile update(@RequestBody DownstreamProfile.Change change) {
    return downstream.update(change);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail invalid(IllegalArgumentException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
  }
}
