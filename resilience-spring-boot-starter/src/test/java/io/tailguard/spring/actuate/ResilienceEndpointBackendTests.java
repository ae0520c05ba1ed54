package io.tailguard.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.hedge.HedgeConfig;
import io.tailguard.core.ratelimiter.RateLimitBackend;
import io.tailguard.core.runtime.ResilienceRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A valid document that changes the rate-limiting backend is refused, not half-applied. */
class ResilienceEndpointBackendTests {

  @Test
  void aNewBackendIsRefusedWithTheReasonAndNothingChanges() {
    try (ResilienceRuntime runtime = ResilienceRuntime.builder().build()) {
      Map<String, Object> answer =
          new ResilienceEndpoint(runtime)
              .reconfigure(
                  """
                  resilience:
                    hedge:
                      defaults: {max-hedges: 3}
                    rate-limiter:
                      backend: redis
                      redis: {uri: 'redis://127.0.0.1:1'}
                  """,
                  null);
      assertThat(answer)
          .containsEntry("status", 400)
          .containsEntry("applied", false)
          .containsEntry(
              "errors",
              List.of(
                  Map.of(
                      "key",
                      "resilience.rate-limiter.backend",
                      "message",
                      "cannot change while running (in force: memory, given: redis); restart to"
                          + " change it")));
      assertThat(runtime.config().rateLimiting().backend()).isEqualTo(RateLimitBackend.MEMORY);
      assertThat(runtime.config().hedging().defaults().maxHedges())
          .isEqualTo(HedgeConfig.defaults().maxHedges());
    }
  }
}
