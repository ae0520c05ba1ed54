package io.tailguard.core.retry;

import io.tailguard.core.internal.Validate;
import java.util.random.RandomGenerator;

/**
 * The delays between attempts of a {@link RetryPolicy}: exponential growth, capped, randomised by
 * the policy's {@link Jitter}.
 *
 * <p>Retry {@code n} (the {@code n}-th attempt after the first, {@code n >= 1}) waits, before
 * jitter, {@code exp(n) = min(maxDelay, baseDelay * multiplier^min(n-1, E))}, where {@code E} is
 * the first exponent at which the product reaches {@code maxDelay}. Capping the exponent keeps the
 * arithmetic finite for any number of attempts (a million attempts with {@code maxDelay = 2^63 - 1}
 * nanoseconds included); the product is computed in {@code double} and compared with {@code
 * maxDelay} before it is turned into nanoseconds, so it never overflows a {@code long}. Every delay
 * returned is in {@code [0, maxDelay]}.
 *
 * <p>This class is stateless and thread-safe; the random generator passed in must be safe for the
 * calling thread.
 */
public final class Backoff {

  private Backoff() {}

  /**
   * Returns the delay before retry {@code retry}, jitter applied.
   *
   * @param policy the policy
   * @param retry which retry, from 1
   * @param previousNanos the delay before the previous retry ({@link RetryPolicy#baseDelay()} for
   *     the first), used by {@link Jitter#DECORRELATED}
   * @param random the source of randomness
   * @return the delay in nanoseconds, in {@code [0, maxDelay]}
   */
  public static long delayNanos(
      RetryPolicy policy, int retry, long previousNanos, RandomGenerator random) {
    Validate.notNull("policy", policy);
    Validate.notNull("random", random);
    Validate.inRange("retry", retry, 1, Integer.MAX_VALUE);
    long max = policy.maxDelay().toNanos();
    long delay;
    switch (policy.jitter()) {
      case NONE:
        delay = exponentialNanos(policy, retry);
        break;
      case FULL:
        {
          long exp = exponentialNanos(policy, retry);
          delay = Math.min(exp, (long) (random.nextDouble() * exp));
          break;
        }
      case EQUAL:
        {
          long exp = exponentialNanos(policy, retry);
          long half = exp / 2;
          delay = Math.min(exp, (exp - half) + (long) (random.nextDouble() * (half + 1.0)));
          break;
        }
      case DECORRELATED:
        {
          double lo = policy.baseDelay().toNanos();
          double hi = Math.min((double) max, 3.0 * Math.max(0, previousNanos));
          delay = hi <= lo ? (long) lo : (long) (lo + random.nextDouble() * (hi - lo));
          break;
        }
      default:
        throw new AssertionError("unknown jitter " + policy.jitter());
    }
    return clamp(delay, max);
  }

  /**
   * Returns the delay before retry {@code retry} without jitter: {@code min(maxDelay, baseDelay *
   * multiplier^(retry-1))}.
   *
   * @param policy the policy
   * @param retry which retry, from 1
   * @return the delay in nanoseconds, in {@code [0, maxDelay]}
   */
  public static long exponentialNanos(RetryPolicy policy, int retry) {
    Validate.notNull("policy", policy);
    Validate.inRange("retry", retry, 1, Integer.MAX_VALUE);
    long base = policy.baseDelay().toNanos();
    long max = policy.maxDelay().toNanos();
    if (base == 0) {
      return 0;
    }
    int exponent = Math.min(retry - 1, policy.maxExponent);
    double d = base * Math.pow(policy.multiplier(), exponent);
    if (!(d < max)) { // also catches infinity
      return max;
    }
    return clamp((long) d, max);
  }

  /**
   * Returns the smallest exponent {@code e} (plus one, against rounding) with {@code base * m^e >=
   * max}; 0 when the delay never grows. Exponents above it give {@code max} anyway.
   */
  static int saturationExponent(long base, long max, double multiplier) {
    if (base <= 0 || max <= base || multiplier <= 1.0) {
      return 0;
    }
    double e = Math.ceil(Math.log((double) max / base) / Math.log(multiplier)) + 1;
    return e >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) e;
  }

  private static long clamp(long delay, long max) {
    return delay < 0 ? 0 : Math.min(delay, max);
  }
}
