package io.tailguard.benchmarks.hedge.sim;

/**
 * A backend that pauses now and then (a stop-the-world collection, say): an attempt makes no
 * progress during a pause, so one in flight when a pause starts, or starting inside one, cannot
 * complete before it ends. Hedges cannot help against such a pause; they only add load.
 *
 * <p>Immutable and thread-safe.
 */
final class PauseModel implements LatencyModel {

  private final LatencyModel inner;
  private final Intervals pauses;

  /**
   * Creates the model.
   *
   * @param inner the backend between pauses
   * @param pauses the pauses
   */
  PauseModel(LatencyModel inner, Intervals pauses) {
    this.inner = inner;
    this.pauses = pauses;
  }

  @Override
  public long durationNanos(long request, int attempt, long startNanos) {
    long work = inner.durationNanos(request, attempt, startNanos);
    if (work == FAILURE) {
      return FAILURE;
    }
    return pauses.completion(startNanos, work) - startNanos;
  }
}
