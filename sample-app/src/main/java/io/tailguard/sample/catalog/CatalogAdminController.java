package io.tailguard.sample.catalog;

import io.tailguard.sample.downstream.Downstream;
import io.tailguard.sample.downstream.DownstreamProfile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Changes one catalog replica at run time, with the fields of {@code /admin/downstream}:
 *
 * <pre>
 * curl -s 127.0.0.1:8080/admin/catalog/a
 * curl -s -H 'Content-Type: application/json' -d '{"slowRate":0.5,"slowMs":500}' 127.0.0.1:8080/admin/catalog/a
 * curl -s -H 'Content-Type: application/json' -d '{"outage":true}' 127.0.0.1:8080/admin/catalog/b
 * </pre>
 *
 * <p>Like {@code /admin/downstream}, never to be reachable by the public. Thread-safe: a replica
 * swaps its profile atomically.
 */
@RestController
@RequestMapping("/admin/catalog")
public class CatalogAdminController {

  private final CatalogReplicas replicas;

  public CatalogAdminController(CatalogReplicas catalogReplicas) {
    this.replicas = catalogReplicas;
  }

  /**
   * A replica's URL, profile and counts.
   *
   * @param replica {@code a} or {@code b}
   * @return URL, profile and counts
   */
  @GetMapping("/{replica}")
  public Map<String, Object> get(@PathVariable String replica) {
    Downstream d = replicas.replica(replica);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("url", d.baseUrl().toString());
    body.put("profile", d.profile());
    body.put("stats", d.stats());
    return body;
  }

  /**
   * Changes a replica's profile.
   *
   * @param replica {@code a} or {@code b}
   * @param change the fields to change
   * @return the profile now in force
   */
  @PostMapping("/{replica}")
  public DownstreamProfile update(
      @PathVariable String replica, @RequestBody DownstreamProfile.Change change) {
    return replicas.replica(replica).update(change);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail invalid(IllegalArgumentException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
  }
}
