package io.tailguard.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tailguard.core.time.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot format on its own: its layout, and every check reading makes before restoring. */
class HedgerSnapshotTest {

  final FakeClock clock = new FakeClock();

  HedgeDelayStrategy strategy(HedgeDelayType type) {
    return HedgeDelayStrategy.create(
        DelayConfig.builder().strategy(type).warmupSamples(50).build(),
        BudgetConfig.DEFAULTS,
        clock);
  }

  HedgeDelayStrategy warmPercentile() {
    HedgeDelayStrategy s = strategy(HedgeDelayType.PERCENTILE);
    for (int i = 1; i <= 500; i++) {
      s.recordPrimary(i * 100_000L, true);
    }
    clock.advance(Duration.ofSeconds(1));
    assertThat(s.isWarm()).isTrue();
    return s;
  }

  @Test
  void layoutIsMagicVersionNamesLengthStateAndChecksum() throws IOException {
    byte[] bytes = HedgerSnapshot.write("search", warmPercentile());
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    assertThat(in.readInt()).isEqualTo(0x54474844);
    assertThat(in.readShort()).isEqualTo((short) 1);
    assertThat(in.readUTF()).isEqualTo("search");
    assertThat(in.readUTF()).isEqualTo("PERCENTILE");
    int length = in.readInt();
    in.skipNBytes(length);
    long crc = in.readLong();
    assertThat(in.available()).isZero();
    CRC32 expected = new CRC32();
    expected.update(bytes, 0, bytes.length - 8);
    assertThat(crc).isEqualTo(expected.getValue());
  }

  @Test
  void readRestoresTheStateAndSaysWhoSavedIt() throws IOException {
    HedgeDelayStrategy source = warmPercentile();
    byte[] bytes = HedgerSnapshot.write("search-a", source);
    HedgeDelayStrategy target = strategy(HedgeDelayType.PERCENTILE);

    assertThat(HedgerSnapshot.read(bytes, target)).isEqualTo("search-a");
    assertThat(target.isWarm()).isTrue();
    assertThat(target.delayNanos(1)).isEqualTo(source.delayNanos(1));
    assertThat(((PercentileDelay) target).windowCount()).isEqualTo(500);
  }

  @Test
  void refusesWhatIsTooShort() {
    assertThatThrownBy(() -> HedgerSnapshot.read(new byte[HedgerSnapshot.MIN_LENGTH - 1], cold()))
        .isInstanceOf(IOException.class)
        .hasMessage("too short (" + (HedgerSnapshot.MIN_LENGTH - 1) + " bytes)");
  }

  @Test
  void refusesAForeignMagic() throws IOException {
    byte[] bytes = HedgerSnapshot.write("h", warmPercentile());
    bytes[0] = 'X';
    assertRefused(bytes, "not a hedger snapshot");
  }

  @Test
  void refusesAnotherVersion() throws IOException {
    byte[] bytes = HedgerSnapshot.write("h", warmPercentile());
    ByteBuffer.wrap(bytes).putShort(4, (short) 2);
    assertRefused(bytes, "unsupported snapshot version 2");
  }

  @Test
  void refusesAnotherStrategyType() throws IOException {
    byte[] bytes = HedgerSnapshot.write("h", warmPercentile());
    HedgeDelayStrategy adaptive = strategy(HedgeDelayType.ADAPTIVE);
    assertThatThrownBy(() -> HedgerSnapshot.read(bytes, adaptive))
        .isInstanceOf(IOException.class)
        .hasMessage("taken from a PERCENTILE strategy, but this hedger uses ADAPTIVE");
    assertThat(adaptive.isWarm()).isFalse();
  }

  @Test
  void refusesAStateLengthOutOfRange() throws IOException {
    byte[] bytes = HedgerSnapshot.write("h", warmPercentile());
    int lengthAt = 4 + 2 + (2 + 1) + (2 + "PERCENTILE".length());
    ByteBuffer.wrap(bytes).putInt(lengthAt, -1);
    assertRefused(bytes, "state length out of range: -1");
    ByteBuffer.wrap(bytes).putInt(lengthAt, bytes.length + 1);
    assertRefused(bytes, "state length out of range: " + (bytes.length + 1));
  }

  @Test
  void refusesAChecksumMismatchBeforeTheStrategySeesTheState() throws IOException {
    byte[] bytes = HedgerSnapshot.write("h", warmPercentile());
    bytes[bytes.length - 9] ^= 0x5a; // the last byte of the state
    assertRefused(bytes, "checksum mismatch");
  }

  @Test
  void writeFileReplacesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("search.hedge");
    Files.write(file, new byte[] {1, 2, 3});
    byte[] bytes = HedgerSnapshot.write("h", warmPercentile());

    HedgerSnapshot.writeFile(file, bytes);

    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(dir.resolve("search.hedge.tmp")).doesNotExist();
  }

  HedgeDelayStrategy cold() {
    return strategy(HedgeDelayType.PERCENTILE);
  }

  void assertRefused(byte[] bytes, String message) {
    HedgeDelayStrategy target = cold();
    assertThatThrownBy(() -> HedgerSnapshot.read(bytes, target))
        .isInstanceOf(IOException.class)
        .hasMessage(message);
    assertThat(target.isWarm()).as("the strategy was not touched").isFalse();
  }
}
