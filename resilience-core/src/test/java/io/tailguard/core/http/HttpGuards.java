package io.tailguard.core.http;

import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.runtime.ResilienceRuntime;
import io.tailguard.core.time.FakeClock;
import java.util.List;
import java.util.concurrent.Executor;
import org.assertj.core.groups.Tuple;

/**
 * Runtimes and guards for the http tests: configured from YAML, with time, timers and retry sleeps
 * on one {@link FakeClock}, so the tests drive every delay themselves. Stateless.
 */
final class HttpGuards {

  /** The client the tests configure and call. */
  static final String INVENTORY = "inventory";

  private HttpGuards() {}

  /** A runtime whose attempts run on the calling thread, so nothing runs behind a test's back. */
  static ResilienceRuntime runtime(String yaml, FakeClock clock) {
    return runtime(yaml, clock, Runnable::run);
  }

  /** A runtime whose attempts run on {@code attempts}, for tests that block inside an attempt. */
  static ResilienceRuntime runtime(String yaml, FakeClock clock, Executor attempts) {
    return ResilienceRuntime.builder()
        .config(YamlConfigLoader.loadString(yaml))
        .clock(clock)
        .scheduler(clock)
        .executor(attempts)
        .build();
  }

  /**
   * The {@value #INVENTORY} guard of {@code rt}, recording every attempt's event in {@code events}.
   */
  static HttpClientGuard inventory(
      ResilienceRuntime rt, List<HttpClientEvent.AttemptFinished> events) {
    HttpClientGuard g = rt.httpClients().client(INVENTORY);
    g.subscribe(e -> events.add((HttpClientEvent.AttemptFinished) e));
    return g;
  }

  /** Each event's host and outcome, in order, to compare with {@link #attempt} tuples. */
  static List<Tuple> hostsAndOutcomes(List<HttpClientEvent.AttemptFinished> events) {
    return events.stream().map(e -> attempt(e.host(), e.outcome())).toList();
  }

  /** An attempt at {@code host} that ended in {@code outcome}. */
  static Tuple attempt(String host, HttpClientEvent.Outcome outcome) {
    return Tuple.tuple(host, outcome);
  }

  /** Closes {@code rt} if the test got as far as building it. */
  static void close(ResilienceRuntime rt) {
    if (rt != null) {
      rt.close();
    }
  }
}
