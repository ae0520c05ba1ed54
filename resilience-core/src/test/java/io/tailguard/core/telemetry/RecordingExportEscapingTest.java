package io.tailguard.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tailguard.core.time.FakeClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How a recording's exports escape names: CSV quotes a field holding a separator, a quote or a line
 * break wherever it stands; JSON escapes control characters and nothing printable.
 */
class RecordingExportEscapingTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void csvQuotesAFieldWhateverPositionTheSpecialCharacterHas() {
    assertThat(Recording.csvField("plain name")).isEqualTo("plain name");
    assertThat(Recording.csvField(",a")).isEqualTo("\",a\"");
    assertThat(Recording.csvField("\"a")).isEqualTo("\"\"\"a\"");
    assertThat(Recording.csvField("\na")).isEqualTo("\"\na\"");
    assertThat(Recording.csvField("\ra")).isEqualTo("\"\ra\"");
    assertThat(Recording.csvField("a\r")).isEqualTo("\"a\r\"");
  }

  @Test
  void jsonEscapesControlCharactersButNotTheSpace() {
    assertThat(Recording.jsonString("a b")).isEqualTo("\"a b\"");
    assertThat(Recording.jsonString("a\u0001b\u001f")).isEqualTo("\"a\\u0001b\\u001f\"");
    assertThat(Recording.jsonString("\t\r")).isEqualTo("\"\\t\\r\"");
    assertThat(Recording.jsonString("")).isEqualTo("\"\"");
  }

  @Test
  void theExportCarriesTheEscapedName() {
    Recording r = new Recording("r", 10, new FakeClock());
    r.start();
    r.accept(new CallEvent(",x", EngineType.HEDGE, CallOutcome.SUCCESS, 1, 1, 0, T, T));
    assertThat(r.toCsv()).contains("\r\n\",x\",HEDGE,SUCCESS,1,1,0.0,");
    assertThat(r.toJsonLines()).startsWith("{\"name\":\",x\",");
  }

  @Test
  void aRecordingNamesItselfAndItsState() {
    Recording r = new Recording("baseline-1", 10, new FakeClock());
    assertThat(r.name()).isEqualTo("baseline-1");
    r.start();
    r.accept(new CallEvent("x", EngineType.HEDGE, CallOutcome.SUCCESS, 1, 1, 0, T, T));
    assertThat(r).hasToString("Recording[baseline-1, RECORDING, 1 events]");
  }

  @Test
  void aNullEventIsIgnored() {
    Recording r = new Recording("r", 10, new FakeClock());
    r.start();
    r.accept(null);
    assertThat(r.events()).isEmpty();
    assertThat(r.dropped()).isZero();
  }
}
