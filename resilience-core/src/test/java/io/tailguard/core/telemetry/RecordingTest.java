package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordingTest {

  final FakeClock clock = new FakeClock();
  static final Instant T = Instant.parse("2026-01-01T00:00:10Z");

  static CallEvent event(String name, CallOutcome outcome) {
    return new CallEvent(
        name, EngineType.HEDGE, outcome, 2_500_000, 2, 1.5, T.minusMillis(2), T.plusNanos(500_000));
  }

  @Test
  void capturesOnlyWhileRecordingAcrossSeveralPauseResumeCycles() {
    Recording r = new Recording("baseline", 100, clock);
    r.accept(event("before", CallOutcome.SUCCESS));
    r.start();
    r.accept(event("one", CallOutcome.SUCCESS));
    clock.advance(Duration.ofSeconds(1));
    r.pause();
    r.accept(event("paused", CallOutcome.SUCCESS));
    r.resume();
    r.accept(event("two", CallOutcome.FAILURE));
    r.pause();
    r.resume();
    r.accept(event("three", CallOutcome.SUCCESS));
    clock.advance(Duration.ofSeconds(1));
    r.stop();
    r.accept(event("after", CallOutcome.SUCCESS));
    assertThat(r.events()).extracting(CallEvent::name).containsExactly("one", "two", "three");
    assertThat(r.periods()).hasSize(3);
    assertThat(r.periods().get(0)[1]).isEqualTo(r.periods().get(0)[0].plusSeconds(1));
    assertThat(r.periods().get(2)[1]).isNotNull();
    assertThat(r.state()).isEqualTo(Recording.State.STOPPED);
  }

  @Test
  void invalidTransitionsAreRefusedWithAClearError() {
    Recording r = new Recording("x", 10, clock);
    assertThatThrownBy(r::pause)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "recording 'x' cannot pause: it is CREATED (pause is allowed from [RECORDING])");
    assertThatThrownBy(r::resume)
        .hasMessage("recording 'x' cannot resume: it is CREATED (resume is allowed from [PAUSED])");
    assertThatThrownBy(r::stop)
        .hasMessage(
            "recording 'x' cannot stop: it is CREATED (stop is allowed from [RECORDING, PAUSED])");
    r.start();
    assertThatThrownBy(r::start)
        .hasMessage(
            "recording 'x' cannot start: it is RECORDING (start is allowed from [CREATED])");
    assertThatThrownBy(r::resume).hasMessageContaining("it is RECORDING");
    r.stop();
    assertThatThrownBy(r::resume).hasMessageContaining("it is STOPPED");
    assertThat(r.state()).isEqualTo(Recording.State.STOPPED);
  }

  @Test
  void eventsBeyondTheCapacityAreCountedAsDropped() {
    Recording r = new Recording("small", 2, clock);
    r.start();
    for (int i = 0; i < 5; i++) {
      r.accept(event("e" + i, CallOutcome.SUCCESS));
    }
    assertThat(r.events()).hasSize(2);
    assertThat(r.dropped()).isEqualTo(3);
  }

  @Test
  void exportsJsonLinesAndCsv() {
    Recording r = new Recording("export", 10, clock);
    r.start();
    r.accept(event("plain", CallOutcome.SUCCESS));
    r.accept(event("we\"ird,\nname\\", CallOutcome.TIMEOUT));
    r.stop();
    assertThat(r.toJsonLines())
        .isEqualTo(
            "{\"name\":\"plain\",\"engine\":\"HEDGE\",\"outcome\":\"SUCCESS\",\"latencyNanos\":2500000,\"attempts\":2,\"costUnits\":1.5,\"start\":\"2026-01-01T00:00:09.998Z\",\"end\":\"2026-01-01T00:00:10.000500Z\"}\n"
                + "{\"name\":\"we\\\"ird,\\n"
                + "name\\\\\",\"engine\":\"HEDGE\",\"outcome\":\"TIMEOUT\",\"latencyNanos\":2500000,\"attempts\":2,\"costUnits\":1.5,\"start\":\"2026-01-01T00:00:09.998Z\",\"end\":\"2026-01-01T00:00:10.000500Z\"}\n");
    assertThat(r.toCsv())
        .isEqualTo(
            Recording.CSV_HEADER
                + "\r\n"
                + "plain,HEDGE,SUCCESS,2500000,2,1.5,2026-01-01T00:00:09.998Z,"
                + "2026-01-01T00:00:10.000500Z\r\n"
                + "\"we\"\"ird,\nname\\\",HEDGE,TIMEOUT,2500000,2,1.5,2026-01-01T00:00:09.998Z,"
                + "2026-01-01T00:00:10.000500Z\r\n");
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> new Recording(null, 1, clock))
        .hasMessage("recording name must not be null");
    assertThatThrownBy(() -> new Recording("x", 0, clock))
        .hasMessage("capacity must be in [1, 10000000], was 0");
    assertThatThrownBy(() -> new Recording("x", 1, null)).hasMessage("clock must not be null");
    assertThatThrownBy(() -> new Recording("x", 1, clock).exportCsv(null))
        .hasMessage("out must not be null");
  }
}
