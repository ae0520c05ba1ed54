package io.tailguard.core.hedge;

import io.tailguard.core.internal.Failures;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Single-flight coalescing for a {@link Hedger}: concurrent calls with an equal key share one
 * execution. The first caller for a key starts it; callers arriving while it runs get a copy of its
 * future, so cancelling one caller's future detaches that caller only.
 *
 * <p>Thread-safe. {@code inFlight} maps a key to the shared future of its running execution: a
 * caller claims the key by {@code putIfAbsent}, and the execution's completion removes the entry
 * (by key and value, so a later execution's entry is never removed) before it completes the shared
 * future. A key is therefore shared only while its execution runs; a call after it completed starts
 * a new one.
 */
final class SingleFlight {

  private final ConcurrentHashMap<Object, CompletableFuture<Object>> inFlight =
      new ConcurrentHashMap<>();
  private final LongAdder joined = new LongAdder();

  /**
   * Returns a copy of the future of the execution running for {@code key}, starting one with {@code
   * start} if none is.
   *
   * @param key identifies equal calls
   * @param start starts an execution; called at most once per execution, on the calling thread
   * @return this caller's copy of the shared result; on failure its {@code get()} throws an {@code
   *     ExecutionException} whose cause is the execution's own failure, not a {@code
   *     CompletionException} around it
   * @throws RuntimeException what {@code start} threw; the key is free again
   */
  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> share(Object key, Supplier<CompletableFuture<T>> start) {
    for (; ; ) {
      CompletableFuture<Object> existing = inFlight.get(key);
      if (existing != null) {
        joined.increment();
        return (CompletableFuture<T>) existing.copy();
      }
      CompletableFuture<Object> mine = new CompletableFuture<>();
      if (inFlight.putIfAbsent(key, mine) != null) {
        continue;
      }
      CompletableFuture<T> execution;
      try {
        execution = start.get();
      } catch (RuntimeException | Error e) {
        inFlight.remove(key, mine);
        mine.completeExceptionally(e);
        throw e;
      }
      execution.whenComplete(
          (v, e) -> {
            inFlight.remove(key, mine);
            if (e == null) {
              mine.complete(v);
            } else {
              mine.completeExceptionally(Failures.unwrap(e));
            }
          });
      return (CompletableFuture<T>) mine.copy();
    }
  }

  /** How many calls joined an execution another call had started. */
  long joined() {
    return joined.sum();
  }

  /** How many keys have an execution running. */
  int running() {
    return inFlight.size();
  }
}
