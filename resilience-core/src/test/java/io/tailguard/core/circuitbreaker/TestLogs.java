package io.tailguard.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test access to slf4j-simple, the SLF4J binding on the test classpath: switch a logger off while a
 * test makes thousands of transitions, and capture the lines loggers print.
 *
 * <p>slf4j-simple renders fluent key-values as {@code key=value} before the message and writes to
 * whatever {@link System#err} is at the time of the write, so swapping {@code System.err} captures
 * it. Surefire runs the tests of this module one at a time, so the swap sees no foreign lines but
 * those of other threads of the same test.
 *
 * <p>Not thread-safe: one test at a time.
 */
final class TestLogs {

  private TestLogs() {}

  private static Field levelField(Logger logger) throws ReflectiveOperationException {
    Class<?> simpleLogger = Class.forName("org.slf4j.simple.SimpleLogger");
    assertThat(logger).as("the tests log through slf4j-simple").isInstanceOf(simpleLogger);
    Field level = simpleLogger.getDeclaredField("currentLogLevel");
    level.setAccessible(true);
    return level;
  }

  /**
   * Switches the logger of {@code type} off until the returned handle is closed.
   *
   * @param type the class whose logger to silence
   * @return closes to restore the previous level
   */
  static AutoCloseable off(Class<?> type) {
    try {
      Logger logger = LoggerFactory.getLogger(type);
      Field level = levelField(logger);
      Field offField =
          Class.forName("org.slf4j.simple.SimpleLogger").getDeclaredField("LOG_LEVEL_OFF");
      offField.setAccessible(true);
      int before = level.getInt(logger);
      level.setInt(logger, offField.getInt(null));
      return () -> level.setInt(logger, before);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot switch slf4j-simple off", e);
    }
  }

  /** Lines written to {@code System.err} while open; they are passed on to the real one too. */
  static final class Capture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    Capture() {
      OutputStream tee =
          new OutputStream() {
            @Override
            public void write(int b) {
              captured.write(b);
              original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              captured.write(b, off, len);
              original.write(b, off, len);
            }
          };
      System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /**
     * Returns the captured lines that contain {@code text}.
     *
     * @param text what to look for
     * @return the lines, in order
     */
    List<String> linesWith(String text) {
      System.err.flush();
      return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\\R"))
          .filter(line -> line.contains(text))
          .collect(Collectors.toList());
    }

    @Override
    public void close() {
      System.err.flush();
      System.setErr(original);
    }
  }
}
