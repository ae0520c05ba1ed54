package io.tailguard.core.hedge;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;

/**
 * The saved form of what a {@link Hedger}'s delay strategy has learned, so a restarted service does
 * not start cold. The format, all big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * int    magic     0x54474844 ("TGHD")
 * short  version   1
 * UTF    hedger    the name of the hedger that saved it (informational)
 * UTF    type      the strategy type, a {@link HedgeDelayType} name
 * int    length    of the strategy's state
 * byte[] state     written by {@link HedgeDelayStrategy#writeState}
 * long   crc       CRC-32 of every byte before it
 * </pre>
 *
 * <p>Reading checks every field before the strategy sees any state: a snapshot that is short,
 * foreign, of another version or strategy type, or whose checksum does not match is refused whole.
 *
 * <p>Not part of the public API. This class is stateless and thread-safe; the strategy's own
 * methods decide how a snapshot taken during calls is ordered with them.
 */
final class HedgerSnapshot {

  static final int MAGIC = 0x54474844; // "TGHD"
  static final short VERSION = 1;

  /** The shortest possible snapshot: every fixed field, two empty strings, an empty state. */
  static final int MIN_LENGTH = 4 + 2 + 2 + 2 + 4 + 8;

  private HedgerSnapshot() {}

  /**
   * Writes a strategy's state.
   *
   * @param hedger the name of the hedger saving it
   * @param strategy the strategy
   * @return the snapshot
   * @throws IOException if the strategy cannot write its state
   */
  static byte[] write(String hedger, HedgeDelayStrategy strategy) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    strategy.writeState(new DataOutputStream(payload));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeShort(VERSION);
    out.writeUTF(hedger);
    out.writeUTF(strategy.type().name());
    out.writeInt(payload.size());
    payload.writeTo(out);
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    return bytes.toByteArray();
  }

  /**
   * Checks a snapshot and, if it is usable, restores it into {@code strategy}.
   *
   * @param snapshot the bytes
   * @param strategy the strategy to restore, which must be of the type that saved them
   * @return the name of the hedger that saved it
   * @throws IOException saying what is wrong with the snapshot; the strategy was not touched
   * @throws RuntimeException if the strategy refuses its state
   */
  static String read(byte[] snapshot, HedgeDelayStrategy strategy) throws IOException {
    if (snapshot.length < MIN_LENGTH) {
      throw new IOException("too short (" + snapshot.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(snapshot, 0, snapshot.length - 8);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a hedger snapshot");
    }
    short version = in.readShort();
    if (version != VERSION) {
      throw new IOException("unsupported snapshot version " + version);
    }
    String from = in.readUTF();
    String type = in.readUTF();
    if (!type.equals(strategy.type().name())) {
      throw new IOException(
          "taken from a " + type + " strategy, but this hedger uses " + strategy.type());
    }
    int length = in.readInt();
    if (length < 0 || length > snapshot.length) {
      throw new IOException("state length out of range: " + length);
    }
    byte[] state = new byte[length];
    in.readFully(state);
    long expected = in.readLong();
    if (expected != crc.getValue()) {
      throw new IOException("checksum mismatch");
    }
    strategy.readState(new DataInputStream(new ByteArrayInputStream(state)));
    return from;
  }

  /**
   * Writes a snapshot to a file through a sibling {@code .tmp} file and a rename, atomic where the
   * file system allows, so a crash mid-write leaves the old file whole.
   *
   * @param file the file
   * @param snapshot the bytes
   * @throws IOException if it cannot be written
   */
  static void writeFile(Path file, byte[] snapshot) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, snapshot);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
