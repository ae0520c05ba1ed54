package io.tailguard.core.health;

import io.tailguard.core.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A probe whose next answer the test sets, and which remembers when it was called. */
final class ScriptedProbe implements HealthProbe {

  private final String name;
  private final Clock clock;
  private final AtomicReference<Callable<HealthCheckResult>> next =
      new AtomicReference<>(HealthCheckResult::up);
  private final List<Long> calledAt = new CopyOnWriteArrayList<>();

  ScriptedProbe(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public HealthCheckResult check() throws Exception {
    calledAt.add(clock.nanoTime());
    return next.get().call();
  }

  ScriptedProbe answers(HealthCheckResult result) {
    next.set(() -> result);
    return this;
  }

  ScriptedProbe fails(Exception failure) {
    next.set(
        () -> {
          throw failure;
        });
    return this;
  }

  ScriptedProbe does(Callable<HealthCheckResult> behaviour) {
    next.set(behaviour);
    return this;
  }

  int calls() {
    return calledAt.size();
  }

  List<Long> calledAt() {
    return calledAt;
  }
}
