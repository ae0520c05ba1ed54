package io.tailguard.core.runtime;

import io.tailguard.core.config.ConfigException;
import io.tailguard.core.config.ResilienceConfig;
import io.tailguard.core.config.YamlConfigLoader;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.time.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a YAML configuration file when its content changes: a valid change is applied to the
 * {@link ResilienceRuntime}; an invalid one is refused as a whole, logged with every error and
 * counted, and the configuration in force stays.
 *
 * <p>The file is polled every {@code interval} on the given {@link Scheduler}, and compared by
 * content (CRC-32), not by modification time: this works on every file system and with the
 * symbolic-link swaps Kubernetes uses for mounted config maps, and a test drives it with a fake
 * clock. A file that disappears keeps the configuration in force until it comes back.
 *
 * <p>This class is thread-safe: checks run one at a time on the scheduler; {@link #checkNow()} may
 * also be called from any thread and is serialised with them.
 */
public final class ConfigWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Path file;
  private final ResilienceRuntime runtime;
  private final Scheduler scheduler;
  private final Duration interval;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  // Guarded by this.
  private long lastChecksum;
  private boolean missingLogged;
  private Scheduler.ScheduledTask next;
  private boolean closed;

  private ConfigWatcher(
      Path file, ResilienceRuntime runtime, Scheduler scheduler, Duration interval)
      throws IOException {
    this.file = file;
    this.runtime = runtime;
    this.scheduler = scheduler;
    this.interval = interval;
    this.lastChecksum = checksum(Files.readAllBytes(file));
  }

  /**
   * Starts watching a file whose configuration the runtime already runs.
   *
   * @param file the file
   * @param runtime the runtime to apply changes to
   * @param scheduler where the polls run
   * @param interval how often to look, in [10ms, 1h]
   * @return the watcher
   * @throws IOException if the file cannot be read now
   */
  public static ConfigWatcher watch(
      Path file, ResilienceRuntime runtime, Scheduler scheduler, Duration interval)
      throws IOException {
    Validate.notNull("file", file);
    Validate.notNull("runtime", runtime);
    Validate.notNull("scheduler", scheduler);
    Validate.inRange("interval", interval, Duration.ofMillis(10), Duration.ofHours(1));
    ConfigWatcher w = new ConfigWatcher(file, runtime, scheduler, interval);
    w.schedule();
    return w;
  }

  private synchronized void schedule() {
    if (!closed) {
      next = scheduler.schedule(this::poll, interval);
    }
  }

  private void poll() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      log.warn("Checking {} for configuration changes failed", file, e);
    } finally {
      schedule();
    }
  }

  /**
   * Looks at the file now and applies or refuses its content if it changed.
   *
   * @return what changed, or an empty list if nothing did (or the change was refused)
   */
  public synchronized List<String> checkNow() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (!missingLogged) {
        log.warn("Configuration file {} is missing; keeping the configuration in force", file);
        missingLogged = true;
      }
      return List.of();
    } catch (IOException e) {
      log.warn("Cannot read configuration file {}: {}", file, e.toString());
      return List.of();
    }
    missingLogged = false;
    long sum = checksum(bytes);
    if (sum == lastChecksum) {
      return List.of();
    }
    lastChecksum = sum;
    ResilienceConfig next;
    try {
      next = YamlConfigLoader.load(new java.io.ByteArrayInputStream(bytes), file.toString());
    } catch (ConfigException e) {
      rejected.incrementAndGet();
      runtime.rejected(file.toString(), e.getMessage());
      return List.of();
    }
    List<String> changes;
    try {
      changes = runtime.apply(next);
    } catch (IllegalArgumentException e) {
      // A valid document the runtime cannot take while running (a new rate-limiting backend).
      rejected.incrementAndGet();
      runtime.rejected(file.toString(), e.getMessage());
      return List.of();
    }
    applied.incrementAndGet();
    return changes;
  }

  private static long checksum(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue() ^ ((long) bytes.length << 32);
  }

  /**
   * Returns how many changed versions of the file were applied.
   *
   * @return the count
   */
  public long appliedReloads() {
    return applied.get();
  }

  /**
   * Returns how many changed versions of the file were refused.
   *
   * @return the count
   */
  public long rejectedReloads() {
    return rejected.get();
  }

  /** Stops watching. */
  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }
}
