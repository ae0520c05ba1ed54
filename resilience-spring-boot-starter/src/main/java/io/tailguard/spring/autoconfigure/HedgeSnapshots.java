package io.tailguard.spring.autoconfigure;

import io.tailguard.core.event.Subscription;
import io.tailguard.core.hedge.Hedger;
import io.tailguard.core.hedge.HedgerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the hedge delays the hedgers have learned across restarts, in {@code
 * resilience.hedge.snapshot-directory}: one file per hedger ({@code <name>.hedge}, the core's
 * {@link Hedger#snapshot()} format), restored when the hedger is created or at start for those that
 * exist, saved every {@link #SAVE_INTERVAL} and when the context stops. A corrupt or foreign file
 * (another format, another strategy type) is logged as a warning and ignored: that hedger starts
 * cold. A file that cannot be written is logged and tried again at the next save.
 *
 * <p>Thread-safe: Spring calls {@link #start()} and {@link #stop()} one at a time; saves run on one
 * thread of this class's own, or on the stopping thread once that thread has ended.
 */
public final class HedgeSnapshots implements SmartLifecycle {

  /** How often the learned delays are saved while the application runs. */
  public static final Duration SAVE_INTERVAL = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(HedgeSnapshots.class);
  private static final String SUFFIX = ".hedge";

  private final HedgerRegistry hedgers;
  private final Path directory;
  private final Duration interval;
  // Set by start(), cleared by stop(); volatile for isRunning() on other threads.
  private volatile ScheduledExecutorService saver;
  private volatile Subscription restoring;

  HedgeSnapshots(HedgerRegistry hedgers, Path directory, Duration interval) {
    this.hedgers = hedgers;
    this.directory = directory;
    this.interval = interval;
  }

  @Override
  public void start() {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException(
          "resilience.hedge.snapshot-directory: cannot create " + directory + " (" + e + ")", e);
    }
    restoring = hedgers.onAdded(this::restore);
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tailguard-hedge-snapshots");
              t.setDaemon(true);
              return t;
            });
    s.scheduleWithFixedDelay(
        this::saveAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    saver = s;
  }

  @Override
  public void stop() {
    Subscription r = restoring;
    if (r != null) {
      r.close();
      restoring = null;
    }
    ScheduledExecutorService s = saver;
    if (s == null) {
      return;
    }
    s.shutdownNow();
    try {
      // A save under way finishes before the last one starts, so the two never write one file.
      s.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    saver = null;
    saveAll();
  }

  /**
   * Starts before the web server and stops after it (Boot's web server start/stop and graceful
   * shutdown lifecycles run in phases between {@code DEFAULT_PHASE - 2048} and {@code
   * DEFAULT_PHASE}), so the restored delays serve the first request and the last save includes what
   * the requests drained at shutdown taught.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 4096;
  }

  @Override
  public boolean isRunning() {
    return saver != null;
  }

  /**
   * Returns the file of one hedger's snapshot.
   *
   * @param name the hedger's name
   * @return the file
   */
  public Path file(String name) {
    return directory.resolve(name + SUFFIX);
  }

  private void restore(Hedger hedger) {
    Path file = file(hedger.name());
    if (Files.isRegularFile(file)) {
      hedger.restoreFrom(file); // logs and ignores an unusable file
    }
  }

  /** Saves every hedger's snapshot; one that fails is logged and does not stop the others. */
  void saveAll() {
    for (Hedger hedger : hedgers.instances()) {
      try {
        hedger.saveTo(file(hedger.name()));
      } catch (IOException | RuntimeException e) {
        log.warn(
            "Hedger '{}': cannot save its learned delays to {} ({})",
            hedger.name(),
            file(hedger.name()),
            e.toString());
      }
    }
  }
}
