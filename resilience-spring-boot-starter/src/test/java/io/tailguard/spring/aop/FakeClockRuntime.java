package io.tailguard.spring.aop;

import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.util.concurrent.ExecutorService;

/**
 * The engines of the aspect tests: time and timers on a {@link FakeClock}, attempts on the given
 * executor, hedgers not linked to breakers. Stateless; each call builds a new runtime.
 */
final class FakeClockRuntime {

  private FakeClockRuntime() {}

  /** A runtime for a {@code @Bean(destroyMethod = "close")} method of a test configuration. */
  static ResilienceRuntime build(
      ResilienceConfig config, FakeClock clock, ExecutorService attemptExecutor) {
    return ResilienceRuntime.builder()
        .config(config)
        .clock(clock)
        .scheduler(clock)
        .executor(attemptExecutor)
        .linkHedgersToBreakers(false)
        .build();
  }
}
