package io.tailguard.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.HealthStatus;
import io.tailguard.core.health.HealthConfig.ProbeOverride;
import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** A probe's status against a reference model, for any sequence of run outcomes. */
class HealthStatusPropertyTest {

  static final Duration INTERVAL = Duration.ofSeconds(10);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  enum Outcome {
    UP,
    DEGRADED,
    DOWN,
    THROWS,
    RETURNS_NULL,
    TIMES_OUT;

    boolean isFailure() {
      return this != UP && this != DEGRADED;
    }
  }

  @Property(tries = 300)
  void statusFollowsTheReferenceModel(
      @ForAll @IntRange(min = 1, max = 6) int threshold,
      @ForAll @Size(min = 1, max = 40) List<Outcome> outcomes) {
    FakeClock clock = new FakeClock();
    AtomicInteger call = new AtomicInteger();
    HealthProbe probe =
        HealthProbe.of(
            "p",
            () -> {
              switch (outcomes.get(call.getAndIncrement())) {
                case UP:
                  return HealthCheckResult.up();
                case DEGRADED:
                  return HealthCheckResult.degraded("slow");
                case DOWN:
                  return HealthCheckResult.down("gone");
                case THROWS:
                  throw new java.io.IOException("refused");
                case RETURNS_NULL:
                  return null;
                default:
                  clock.advance(TIMEOUT); // the timeout fires while the check runs
                  return HealthCheckResult.up();
              }
            });
    List<HealthEvent.StatusChanged> changes = new ArrayList<>();
    HealthRegistry health =
        HealthRegistry.builder()
            .clock(clock)
            .scheduler(clock)
            .executor(Runnable::run)
            .config(
                HealthConfig.builder()
                    .interval(INTERVAL)
                    .timeout(TIMEOUT)
                    .failureThreshold(threshold)
                    .build())
            .probe(probe)
            .build();
    health.subscribe(
        e -> {
          if (e instanceof HealthEvent.StatusChanged) {
            changes.add((HealthEvent.StatusChanged) e);
          }
        });

    HealthStatus model = HealthStatus.UP;
    int run = 0;
    long failures = 0;
    long timeouts = 0;
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      if (i == 0) {
        clock.runDueTasks();
      } else {
        // The previous check may have moved the clock on by the timeout; go to the next due time.
        clock.advance(INTERVAL.minus(clock.elapsed().minus(INTERVAL.multipliedBy(i - 1))));
      }
      if (o.isFailure()) {
        run++;
        failures++;
        model = run >= threshold ? HealthStatus.DOWN : HealthStatus.DEGRADED;
      } else {
        run = 0;
        model = o == Outcome.UP ? HealthStatus.UP : HealthStatus.DEGRADED;
      }
      if (o == Outcome.TIMES_OUT) {
        timeouts++;
      }
      ProbeReport r = health.report("p");
      assertThat(r.status()).as("after %s", outcomes.subList(0, i + 1)).isEqualTo(model);
      assertThat(r.consecutiveFailures()).isEqualTo(run);
      assertThat(r.runs()).isEqualTo(i + 1);
      assertThat(r.failures()).isEqualTo(failures);
      assertThat(r.timeouts()).isEqualTo(timeouts);
      assertThat(r.running()).isFalse();
    }
    assertThat(call.get()).isEqualTo(outcomes.size());
    HealthStatus previous = HealthStatus.UP;
    for (HealthEvent.StatusChanged c : changes) {
      assertThat(c.from()).isEqualTo(previous);
      assertThat(c.to()).isNotEqualTo(c.from());
      previous = c.to();
    }
    assertThat(previous).isEqualTo(model);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    health.close();
  }

  @Property(tries = 200)
  void theAggregateIsTheWorstOfTheEnabledProbes(
      @ForAll @Size(max = 8) List<HealthStatus> reported, @ForAll @Size(max = 8) List<Boolean> on) {
    FakeClock clock = new FakeClock();
    HealthConfig.Builder config = HealthConfig.builder().failureThreshold(1);
    HealthRegistry.Builder b =
        HealthRegistry.builder().clock(clock).scheduler(clock).executor(Runnable::run);
    HealthStatus expected = HealthStatus.UP;
    for (int i = 0; i < reported.size(); i++) {
      HealthStatus s = reported.get(i);
      boolean enabled = i >= on.size() || on.get(i);
      b.probe(HealthProbe.of("p" + i, () -> HealthCheckResult.of(s, java.util.Map.of())));
      if (!enabled) {
        config.probe("p" + i, ProbeOverride.enabled(false));
      } else {
        expected = expected.worst(s);
      }
    }
    HealthRegistry health = b.config(config.build()).build();
    clock.runDueTasks();
    assertThat(health.status()).isEqualTo(expected);
    assertThat(health.status() == HealthStatus.DOWN).isEqualTo(expected == HealthStatus.DOWN);
    health.close();
  }
}
