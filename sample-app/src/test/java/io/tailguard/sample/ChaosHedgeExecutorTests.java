package io.tailguard.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/** The hedge executor saturated: every one of its threads busy. */
class ChaosHedgeExecutorTests extends ChaosTestSupport {

  /** More tasks than any bounded pool here holds; an executor that takes them all is unbounded. */
  static final int MAX_BLOCKERS = 5_000;

  @Autowired
  @Qualifier("tailguardHedgeExecutor") Executor hedgeExecutor;

  /**
   * Every thread of the hedge executor is held by other work. A hedged call then runs on the
   * caller's thread, unhedged, and the refusal is counted; but its 1 s timeout still holds: against
   * a hung downstream it answers 504 (or 503) within the timeout and a margin, not after the 4 s
   * read timeout and its retries. Once the executor has threads again, calls are hedged again and
   * the pool's threads go back to idle.
   */
  @Test
  void aSaturatedHedgeExecutorDegradesToUnhedgedCallsThatKeepTheirTimeout() {
    warmUp();
    Snapshot before = snapshot();
    CountDownLatch release = new CountDownLatch(1);
    int blockers;
    List<Long> hungMillis = new ArrayList<>();
    long refusals;
    try {
      blockers = saturate(release);
      Assumptions.assumeTrue(
          blockers < MAX_BLOCKERS, "the hedge executor is unbounded (virtual threads)");
      long refusalsBefore = executorRefusals();
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = get("/quotes/S" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      refusals = executorRefusals() - refusalsBefore;
      assertThat(refusals).as("primaries the executor refused").isGreaterThanOrEqualTo(5);

      assertThat(post("/admin/downstream", "{\"hang\":true}").statusCode()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r = get("/quotes/SH" + i);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        hungMillis.add(millis);
        assertThat(r.statusCode()).as(r.body()).isIn(503, 504);
        assertThat(millis).as(r.body()).isLessThan(HEDGE_TIMEOUT.plusMillis(1500).toMillis());
      }
    } finally {
      release.countDown();
      post("/admin/downstream", "{\"hang\":false}");
    }
    breakers.breaker("quotes").reset();
    await().atMost(PATIENCE).until(() -> busyHedgeThreads().isEmpty());
    long refusalsAfter = executorRefusals();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = get("/quotes/SA" + i);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    assertThat(executorRefusals()).as("refusals once threads are free").isEqualTo(refusalsAfter);
    assertNothingLeftBehind(before);

    report(
        "hedge executor saturated",
        String.format(
            "%d tasks filled it; 5 of 5 calls served unhedged on the caller's thread (%d refusals"
                + " counted); against a hung downstream the calls answered in %s ms (timeout %d"
                + " ms); no refusal once threads were free",
            blockers, refusals, hungMillis, HEDGE_TIMEOUT.toMillis()));
  }

  /** Submits tasks that wait for {@code release} until the executor refuses one. */
  int saturate(CountDownLatch release) {
    for (int n = 0; n < MAX_BLOCKERS; n++) {
      try {
        hedgeExecutor.execute(
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      } catch (RejectedExecutionException full) {
        return n;
      }
    }
    return MAX_BLOCKERS;
  }

  long executorRefusals() {
    return ((Number) hedgers.hedger("quotes").describe().get("executorRefusals")).longValue();
  }
}
