package io.tailguard.core.health;

import io.tailguard.core.internal.InstanceNames;
import java.util.concurrent.Callable;

/**
 * A check of one dependency or resource (a database, a vector store, a disk), run by a {@link
 * HealthRegistry} every {@code interval} with a {@code timeout}.
 *
 * <p>{@link #check()} runs on one of the registry's probe threads, never on two at once for the
 * same probe. It should answer well within the timeout; when the timeout passes its thread is
 * interrupted, so a blocking check should let {@link InterruptedException} (or an interruptible I/O
 * failure) end it. A check that ignores the interrupt keeps its thread busy and makes the following
 * runs of the same probe be skipped (each counted as a failure) until it returns.
 *
 * <pre>{@code
 * HealthProbe db = HealthProbe.of("orders-db", () ->
 *     dataSource.getConnection().isValid(2)
 *         ? HealthCheckResult.up()
 *         : HealthCheckResult.down("connection not valid"));
 * }</pre>
 *
 * <p>Implementations must be thread-safe in the sense that {@code check()} may be called from
 * different threads one after another.
 */
public interface HealthProbe {

  /**
   * Returns the probe's name: 1 to 128 letters, digits, {@code . _ - : /}, starting with a letter
   * or digit. Read once, when the probe is registered.
   *
   * @return the name
   */
  String name();

  /**
   * Checks the dependency once.
   *
   * @return the finding; UP and DEGRADED are successful checks, DOWN a failed one
   * @throws Exception if the check failed; counts as a failed check
   */
  HealthCheckResult check() throws Exception;

  /**
   * Returns a probe with this name that runs {@code check}.
   *
   * @param name the probe's name
   * @param check the check
   * @return the probe
   * @throws IllegalArgumentException if the name is invalid or {@code check} is {@code null}
   */
  static HealthProbe of(String name, Callable<HealthCheckResult> check) {
    String checked = InstanceNames.check("health probe", name);
    if (check == null) {
      throw new IllegalArgumentException(
          "check of health probe '" + checked + "' must not be null");
    }
    return new HealthProbe() {
      @Override
      public String name() {
        return checked;
      }

      @Override
      public HealthCheckResult check() throws Exception {
        return check.call();
      }

      @Override
      public String toString() {
        return "HealthProbe[" + checked + "]";
      }
    };
  }
}
