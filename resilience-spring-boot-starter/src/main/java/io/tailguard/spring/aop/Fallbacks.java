package io.tailguard.spring.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds and calls fallback methods: methods of the target class with the given name whose
 * parameters are the protected method's parameters plus one exception. A fallback runs only for
 * failures of the exception type it declares; with several, the most specific matching type wins.
 *
 * <p>Thread-safe; resolutions are cached.
 */
final class Fallbacks {

  private record Key(Class<?> targetClass, Method method, String name) {}

  private final Map<Key, Fallback> cache = new ConcurrentHashMap<>();

  /** The fallbacks of one protected method; empty when it names none. */
  static final class Fallback {
    static final Fallback NONE = new Fallback(List.of());

    private final List<Method> candidates; // most specific exception type first

    Fallback(List<Method> candidates) {
      this.candidates = candidates;
    }

    boolean isEmpty() {
      return candidates.isEmpty();
    }

    /** Returns the fallback for this failure, or null if none declares it. */
    Method forFailure(Throwable failure) {
      for (Method m : candidates) {
        Class<?> declared = m.getParameterTypes()[m.getParameterCount() - 1];
        if (declared.isInstance(failure)) {
          return m;
        }
      }
      return null;
    }

    /**
     * {@link #handle} for lambdas: strips a future's wrapper from the failure and rethrows what is
     * not handled without declaring it.
     */
    Object recover(Object target, Object[] args, Throwable failure) {
      try {
        return handle(target, args, Sneaky.unwrap(failure));
      } catch (Throwable t) {
        throw Sneaky.rethrow(t);
      }
    }

    /**
     * Falls back when {@code call} fails, without blocking; {@code call} itself if none. Cancelling
     * the returned future cancels {@code call} (so a hedged call stops its attempts and a breaker
     * frees its permit), and the fallback does not run for it.
     */
    CompletableFuture<Object> recoverStage(
        CompletableFuture<Object> call, Object target, Object[] args) {
      if (isEmpty()) {
        return call;
      }
      CompletableFuture<Object> recovered = recover(call, target, args);
      // A dependent's cancel never travels back to its source: pass it on by hand. By then
      // `recovered` is done, so the fallback function no longer runs when `call` fails with it.
      recovered.whenComplete(
          (v, e) -> {
            if (recovered.isCancelled()) {
              call.cancel(true);
            }
          });
      return recovered;
    }

    private CompletableFuture<Object> recover(
        CompletableFuture<Object> call, Object target, Object[] args) {
      return call.exceptionallyCompose(
          e -> {
            try {
              @SuppressWarnings("unchecked")
              CompletionStage<Object> recovered =
                  (CompletionStage<Object>) handle(target, args, Sneaky.unwrap(e));
              return recovered;
            } catch (Throwable t) {
              return CompletableFuture.failedFuture(t);
            }
          });
    }

    /** Calls the fallback for {@code failure}, or rethrows it if none declares it. */
    Object handle(Object target, Object[] args, Throwable failure) throws Throwable {
      Method m = forFailure(failure);
      if (m == null) {
        throw failure;
      }
      Object[] withError = Arrays.copyOf(args, args.length + 1);
      withError[args.length] = failure;
      try {
        return m.invoke(target, withError);
      } catch (InvocationTargetException e) {
        throw e.getTargetException();
      }
    }
  }

  /**
   * Resolves the fallbacks of a method.
   *
   * @throws IllegalStateException if {@code name} is not empty and no method fits
   */
  Fallback resolve(Class<?> targetClass, Method method, String name) {
    if (name == null || name.isEmpty()) {
      return Fallback.NONE;
    }
    return cache.computeIfAbsent(new Key(targetClass, method, name), k -> find(k));
  }

  private static Fallback find(Key k) {
    Class<?> userClass = ClassUtils.getUserClass(k.targetClass);
    Class<?>[] params = k.method.getParameterTypes();
    List<Method> candidates = new ArrayList<>();
    List<String> misfits = new ArrayList<>();
    ReflectionUtils.doWithMethods(
        userClass,
        m -> {
          if (!m.getName().equals(k.name)) {
            return;
          }
          misfits.add(signature(m));
          if (m.getParameterCount() != params.length + 1) {
            return;
          }
          Class<?>[] p = m.getParameterTypes();
          for (int i = 0; i < params.length; i++) {
            if (!p[i].equals(params[i])) {
              return;
            }
          }
          if (!Throwable.class.isAssignableFrom(p[params.length])) {
            return;
          }
          if (!k.method.getReturnType().isAssignableFrom(m.getReturnType())
              && k.method.getReturnType() != void.class) {
            return;
          }
          if (candidates.stream().noneMatch(c -> Arrays.equals(c.getParameterTypes(), p))) {
            ReflectionUtils.makeAccessible(m);
            candidates.add(m);
          }
        });
    if (candidates.isEmpty()) {
      throw new IllegalStateException(
          "fallbackMethod '"
              + k.name
              + "' of "
              + userClass.getName()
              + "."
              + k.method.getName()
              + (misfits.isEmpty()
                  ? " does not exist"
                  : " has the wrong signature (found " + String.join(", ", misfits) + ")")
              + ": it must be a method of the same class named '"
              + k.name
              + "' taking "
              + Arrays.toString(params)
              + " followed by one exception parameter, and returning "
              + k.method.getReturnType().getName());
    }
    candidates.sort(Comparator.comparingInt((Method m) -> depth(m)).reversed());
    return new Fallback(List.copyOf(candidates));
  }

  private static String signature(Method m) {
    StringBuilder b = new StringBuilder(m.getReturnType().getSimpleName()).append(' ');
    b.append(m.getName()).append('(');
    Class<?>[] p = m.getParameterTypes();
    for (int i = 0; i < p.length; i++) {
      b.append(i == 0 ? "" : ", ").append(p[i].getSimpleName());
    }
    return b.append(')').toString();
  }

  private static int depth(Method m) {
    int depth = 0;
    for (Class<?> c = m.getParameterTypes()[m.getParameterCount() - 1];
        c != null;
        c = c.getSuperclass()) {
      depth++;
    }
    return depth;
  }
}
