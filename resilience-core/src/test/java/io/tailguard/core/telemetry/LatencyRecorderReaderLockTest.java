package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every read of a {@link LatencyRecorder} releases the reader lock: a reader on another thread can
 * fold the next interval right after it. {@code refreshIfDue()} never waits for the lock, so it
 * reports a lock left held by returning {@code false}.
 */
class LatencyRecorderReaderLockTest {

  final FakeClock clock = new FakeClock();
  final LatencyRecorder recorder =
      new LatencyRecorder(clock, Duration.ofSeconds(10), Duration.ofSeconds(1));
  final ExecutorService otherReader = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    otherReader.shutdownNow();
  }

  /** Runs a read on this thread, then asks the other thread to fold the interval now due. */
  void assertReleasedAfter(Runnable read) throws Exception {
    recorder.record(1_000_000);
    read.run();
    clock.advance(Duration.ofSeconds(1));
    assertThat(otherReader.submit(recorder::refreshIfDue).get(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void afterCount() throws Exception {
    assertReleasedAfter(recorder::count);
  }

  @Test
  void afterAPercentile() throws Exception {
    assertReleasedAfter(() -> recorder.percentileNanos(50));
  }

  @Test
  void afterARecentPercentile() throws Exception {
    assertReleasedAfter(() -> recorder.recentPercentileNanos(0.5, 50, 0));
  }

  @Test
  void afterASnapshot() throws Exception {
    assertReleasedAfter(recorder::snapshot);
  }

  @Test
  void afterARefresh() throws Exception {
    assertReleasedAfter(recorder::refresh);
  }

  @Test
  void afterARefreshThatWasDue() throws Exception {
    clock.advance(Duration.ofSeconds(1));
    assertReleasedAfter(() -> assertThat(recorder.refreshIfDue()).isTrue());
  }

  @Test
  void afterAReconfiguration() throws Exception {
    assertReleasedAfter(() -> recorder.reconfigure(Duration.ofSeconds(10), Duration.ofSeconds(1)));
  }

  @Test
  void afterEncoding() throws Exception {
    assertReleasedAfter(recorder::encodeWindow);
  }

  @Test
  void afterRestoring() throws Exception {
    byte[] encoded =
        new LatencyRecorder(clock, Duration.ofSeconds(10), Duration.ofSeconds(1)).encodeWindow();
    assertReleasedAfter(() -> recorder.restoreWindow(encoded));
  }
}
