package io.tailguard.core.retry;

import io.tailguard.core.circuitbreaker.CircuitRejectedException;
import io.tailguard.core.hedge.HedgeTimeoutException;
import io.tailguard.core.internal.Failures;
import io.tailguard.core.internal.Validate;
import io.tailguard.core.ratelimiter.RateLimitExceededException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The settings of one {@link Retrier}: how many attempts, how long to wait between them, which
 * failures and results are worth another attempt, and the budget that keeps retries from turning an
 * outage into a retry storm.
 *
 * <p>Two policies are built in: {@link #defaults()} (named {@value #DEFAULT_NAME}: 3 attempts,
 * 500ms base delay, 5s maximum, x2, full jitter) and {@link #expensive()} (named {@value
 * #EXPENSIVE_NAME}: 5 attempts, 1s base delay, 10s maximum, x2, full jitter).
 *
 * <p>A failure is retried when all of these hold (see {@link #isRetryable(Throwable, OptionalInt,
 * Optional)}):
 *
 * <ol>
 *   <li>neither it nor any of its causes is of a {@linkplain #nonRetryableExceptions()
 *       non-retryable type} (non-retryable wins over retryable);
 *   <li>neither it nor any of its causes is one of Tailguard's own {@linkplain #REFUSALS refusals}
 *       (an open circuit, a rate limit, a hedge timeout), unless that refusal's own type is listed
 *       in {@linkplain #retryableExceptions() retryable types}: a refusal says "not now", and
 *       retrying it only delays the error (a hedge timeout, retried, sends a hung dependency every
 *       attempt of every hedged call again);
 *   <li>{@linkplain #retryableExceptions() retryable types} is empty and it is an {@link Exception}
 *       (an {@link Error} is retried only when listed), or it or one of its causes is of a
 *       retryable type;
 *   <li>if it carries an HTTP status (read by an {@link HttpStatusExtractor}), the status is one of
 *       {@link #retryableStatuses()};
 *   <li>if the method of the HTTP request that failed is known (an {@link HttpStatusCarrier} or an
 *       {@link HttpStatusExtractor} says it), it is one of {@link #retryableMethods()}: by default
 *       the idempotent methods, so a POST, PATCH or CONNECT is not sent twice. A failure whose
 *       method is unknown is judged by the other rules alone.
 * </ol>
 *
 * <p>Build one with {@link #builder()} or {@link #toBuilder()}. Every setter checks its value at
 * once and throws an {@link IllegalArgumentException} naming the field, the allowed range and the
 * value given; a {@code RetryPolicy} that exists is always valid.
 *
 * <p>Instances are immutable and thread-safe (the result predicate, if any, must be too). Builders
 * are not thread-safe.
 */
public final class RetryPolicy {

  /** The name of the policy every retrier without its own settings uses. */
  public static final String DEFAULT_NAME = "default";

  /** The name of the built-in policy for calls that are costly to repeat too soon. */
  public static final String EXPENSIVE_NAME = "expensive";

  /** The largest {@code maxDelay}: {@code Long.MAX_VALUE} nanoseconds, about 292 years. */
  public static final Duration MAX_DELAY_LIMIT = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * Tailguard's own refusals: {@link CircuitRejectedException}, {@link RateLimitExceededException}
   * and {@link HedgeTimeoutException}. They are not retried unless {@link #retryableExceptions()}
   * names the type itself (a supertype such as {@code RuntimeException} does not count).
   */
  public static final List<Class<? extends Throwable>> REFUSALS =
      List.of(
          CircuitRejectedException.class,
          RateLimitExceededException.class,
          HedgeTimeoutException.class);

  /** The statuses retried by default: 429, 500, 502, 503 and 504. */
  public static final Set<Integer> DEFAULT_RETRYABLE_STATUSES =
      (Set<Integer>) RetrySettings.RETRYABLE_STATUSES.defaultValue();

  /**
   * The HTTP methods retried by default: DELETE, GET, HEAD, OPTIONS, PUT and TRACE, the idempotent
   * methods of RFC 9110 section 9.2.2. POST, PATCH and CONNECT are not among them.
   */
  public static final Set<String> DEFAULT_RETRYABLE_METHODS =
      (Set<String>) RetrySettings.RETRYABLE_METHODS.defaultValue();

  private static final RetryPolicy DEFAULTS = new Builder().build();
  private static final RetryPolicy EXPENSIVE =
      new Builder()
          .maxAttempts(5)
          .baseDelay(Duration.ofSeconds(1))
          .maxDelay(Duration.ofSeconds(10))
          .build();

  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final Jitter jitter;
  private final List<Class<? extends Throwable>> retryableExceptions;
  private final List<Class<? extends Throwable>> nonRetryableExceptions;
  private final Predicate<Object> unacceptableResult;
  private final Set<Integer> retryableStatuses;
  // Upper case.
  private final Set<String> retryableMethods;
  // NaN when the budget is off.
  private final double budget;
  private final double minRetriesPerSecond;
  // Derived: the exponent from which baseDelay * multiplier^e reaches maxDelay (see Backoff).
  final int maxExponent;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.baseDelay = b.baseDelay;
    this.maxDelay = b.maxDelay;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.retryableExceptions = b.retryableExceptions;
    this.nonRetryableExceptions = b.nonRetryableExceptions;
    this.unacceptableResult = b.unacceptableResult;
    this.retryableStatuses = b.retryableStatuses;
    this.retryableMethods = b.retryableMethods;
    this.budget = b.budget;
    this.minRetriesPerSecond = b.minRetriesPerSecond;
    this.maxExponent =
        Backoff.saturationExponent(baseDelay.toNanos(), maxDelay.toNanos(), multiplier);
  }

  /**
   * Returns the built-in policy named {@value #DEFAULT_NAME}, whose values every accessor
   * documents: 3 attempts, 500ms base delay, 5s maximum, x2, full jitter.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns the built-in policy named {@value #EXPENSIVE_NAME}: the defaults with 5 attempts, 1s
   * base delay and 10s maximum.
   *
   * @return the expensive policy
   */
  public static RetryPolicy expensive() {
    return EXPENSIVE;
  }

  /**
   * Returns the built-in policies by name: {@value #DEFAULT_NAME} and {@value #EXPENSIVE_NAME}.
   *
   * @return an unmodifiable map, in that order
   */
  public static Map<String, RetryPolicy> builtIns() {
    Map<String, RetryPolicy> m = new LinkedHashMap<>();
    m.put(DEFAULT_NAME, DEFAULTS);
    m.put(EXPENSIVE_NAME, EXPENSIVE);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder starting from this policy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The most attempts per call, the first included, in [1, 1000000]. Default 3.
   *
   * @return the maximum number of attempts
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The delay before the first retry, before jitter, in [0ms, 1d]. Default 500ms.
   *
   * @return the base delay
   */
  public Duration baseDelay() {
    return baseDelay;
  }

  /**
   * The longest delay between two attempts, jitter and {@code Retry-After} included, in [{@code
   * baseDelay}, {@link #MAX_DELAY_LIMIT}]. Default 5s.
   *
   * @return the maximum delay
   */
  public Duration maxDelay() {
    return maxDelay;
  }

  /**
   * The factor by which the delay grows per retry, in [1, 100]. Default 2.
   *
   * @return the multiplier
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * How delays are randomised. Default {@link Jitter#FULL}.
   *
   * @return the jitter
   */
  public Jitter jitter() {
    return jitter;
  }

  /**
   * The exception types worth another attempt (a failure matches if it or one of its causes is of
   * one of them); empty (the default) means every {@link Exception} but the {@link #REFUSALS}. A
   * refusal is retried only when its own type is listed here.
   *
   * @return the retryable types
   */
  public List<Class<? extends Throwable>> retryableExceptions() {
    return retryableExceptions;
  }

  /**
   * The exception types never retried, matched on the failure and its causes; they win over {@link
   * #retryableExceptions()}. Default empty.
   *
   * @return the non-retryable types
   */
  public List<Class<? extends Throwable>> nonRetryableExceptions() {
    return nonRetryableExceptions;
  }

  /**
   * The test for results that are not an answer and are worth another attempt. When the attempts or
   * the budget run out, the last such result is returned. Default: every result is acceptable.
   *
   * @return the predicate; never {@code null}
   */
  public Predicate<Object> unacceptableResult() {
    return unacceptableResult;
  }

  /**
   * The HTTP statuses worth another attempt, each in [100, 599]; a failure that carries another
   * status is not retried. Default 429, 500, 502, 503, 504.
   *
   * @return the statuses, sorted, unmodifiable
   */
  public Set<Integer> retryableStatuses() {
    return retryableStatuses;
  }

  /**
   * The HTTP methods whose requests are worth another attempt, in upper case; a failure of a
   * request with another method is not retried, and a failure whose method is unknown is judged by
   * the other rules alone. Methods are compared ignoring case. Default DELETE, GET, HEAD, OPTIONS,
   * PUT, TRACE ({@link #DEFAULT_RETRYABLE_METHODS}).
   *
   * @return the methods, sorted, unmodifiable
   */
  public Set<String> retryableMethods() {
    return retryableMethods;
  }

  /**
   * The share of calls that may be retries, in a rolling window of 10 seconds, in (0, 1]; empty
   * when the budget is off. Default 0.1: retries may add at most 10% to the load (plus the
   * {@linkplain #minRetriesPerSecond() floor}).
   *
   * @return the budget, or empty when off
   */
  public OptionalDouble budget() {
    return Double.isNaN(budget) ? OptionalDouble.empty() : OptionalDouble.of(budget);
  }

  /**
   * The retries per second always allowed, whatever the budget says, so that a quiet service can
   * still retry, in [0, 1000000]. Default 10.
   *
   * @return the floor
   */
  public double minRetriesPerSecond() {
    return minRetriesPerSecond;
  }

  /**
   * Returns whether a failure whose HTTP method is unknown is worth another attempt, by the rules
   * of the class description.
   *
   * @param failure the failure
   * @param httpStatus the HTTP status it carries, if any
   * @return {@code true} if it may be retried
   */
  public boolean isRetryable(Throwable failure, OptionalInt httpStatus) {
    return isRetryable(failure, httpStatus, Optional.empty());
  }

  /**
   * Returns whether a failure is worth another attempt, by the rules of the class description.
   *
   * @param failure the failure
   * @param httpStatus the HTTP status it carries, if any
   * @param httpMethod the method of the HTTP request that failed, if known
   * @return {@code true} if it may be retried
   */
  public boolean isRetryable(
      Throwable failure, OptionalInt httpStatus, Optional<String> httpMethod) {
    Validate.notNull("failure", failure);
    Validate.notNull("httpStatus", httpStatus);
    Validate.notNull("httpMethod", httpMethod);
    if (httpMethod.isPresent()
        && !retryableMethods.contains(httpMethod.get().toUpperCase(Locale.ROOT))) {
      return false;
    }
    if (Failures.isAnyInChain(nonRetryableExceptions, failure) || isUnlistedRefusal(failure)) {
      return false;
    }
    boolean typeOk =
        retryableExceptions.isEmpty()
            ? failure instanceof Exception
            : Failures.isAnyInChain(retryableExceptions, failure);
    if (!typeOk) {
      return false;
    }
    return httpStatus.isEmpty() || retryableStatuses.contains(httpStatus.getAsInt());
  }

  /**
   * Whether the failure or one of its causes is a refusal whose type is not listed as retryable.
   */
  private boolean isUnlistedRefusal(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < Failures.MAX_CAUSE_DEPTH; depth++) {
      // The refusal types are final: a listed type either is the refusal's class or is broader.
      if (REFUSALS.contains(t.getClass()) && !retryableExceptions.contains(t.getClass())) {
        return true;
      }
      Throwable cause = t.getCause();
      t = cause == t ? null : cause;
    }
    return false;
  }

  /**
   * Returns whether a result is not an answer.
   *
   * @param result the result
   * @return {@code true} if the predicate says so
   */
  boolean isUnacceptable(Object result) {
    return unacceptableResult != Builder.NONE && unacceptableResult.test(result);
  }

  /**
   * Returns the settings as an ordered map of plain values.
   *
   * @return the settings
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    RetrySettings.POLICY
        .report(this)
        .forEach(
            (k, v) -> {
              if (k.equals("budget")) {
                // Reports have always shown it here, after the statuses and methods.
                m.put("unacceptableResult", unacceptableResult == Builder.NONE ? "none" : "custom");
              }
              m.put(k, v);
            });
    return m;
  }

  private static List<String> names(List<Class<? extends Throwable>> types) {
    List<String> names = new ArrayList<>();
    types.forEach(t -> names.add(t.getName()));
    return names;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof RetryPolicy p
            && RetrySettings.POLICY.equal(this, p)
            && unacceptableResult.equals(p.unacceptableResult));
  }

  @Override
  public int hashCode() {
    return 31 * RetrySettings.POLICY.hash(this) + unacceptableResult.hashCode();
  }

  @Override
  public String toString() {
    return "RetryPolicy" + toMap();
  }

  /**
   * Builds a {@link RetryPolicy}; every setter validates at once.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    static final Predicate<Object> NONE = result -> false;

    private int maxAttempts = RetrySettings.MAX_ATTEMPTS.defaultValue();
    private Duration baseDelay = RetrySettings.BASE_DELAY.defaultValue();
    private Duration maxDelay = RetrySettings.MAX_DELAY.defaultValue();
    private double multiplier = RetrySettings.MULTIPLIER.defaultValue();
    private Jitter jitter = RetrySettings.JITTER.defaultValue();
    private List<Class<? extends Throwable>> retryableExceptions = List.of();
    private List<Class<? extends Throwable>> nonRetryableExceptions = List.of();
    private Predicate<Object> unacceptableResult = NONE;
    private Set<Integer> retryableStatuses = DEFAULT_RETRYABLE_STATUSES;
    private Set<String> retryableMethods = DEFAULT_RETRYABLE_METHODS;
    private double budget = RetrySettings.BUDGET.defaultValue();
    private double minRetriesPerSecond = RetrySettings.MIN_RETRIES_PER_SECOND.defaultValue();

    private Builder() {}

    private Builder(RetryPolicy p) {
      maxAttempts = p.maxAttempts;
      baseDelay = p.baseDelay;
      maxDelay = p.maxDelay;
      multiplier = p.multiplier;
      jitter = p.jitter;
      retryableExceptions = p.retryableExceptions;
      nonRetryableExceptions = p.nonRetryableExceptions;
      unacceptableResult = p.unacceptableResult;
      retryableStatuses = p.retryableStatuses;
      retryableMethods = p.retryableMethods;
      budget = p.budget;
      minRetriesPerSecond = p.minRetriesPerSecond;
    }

    /**
     * Sets the most attempts per call, the first included, in [1, 1000000]; 1 means no retry.
     *
     * @param maxAttempts the number
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = RetrySettings.MAX_ATTEMPTS.check(maxAttempts);
      return this;
    }

    /**
     * Sets the delay before the first retry, in [0ms, 1d].
     *
     * @param baseDelay the delay
     * @return this builder
     */
    public Builder baseDelay(Duration baseDelay) {
      this.baseDelay = RetrySettings.BASE_DELAY.check(baseDelay);
      return this;
    }

    /**
     * Sets the longest delay, in [0ms, {@link #MAX_DELAY_LIMIT}]; {@link #build()} checks that it
     * is at least the base delay.
     *
     * @param maxDelay the delay
     * @return this builder
     */
    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = RetrySettings.MAX_DELAY.check(maxDelay);
      return this;
    }

    /**
     * Sets the growth factor per retry, in [1, 100].
     *
     * @param multiplier the factor
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = RetrySettings.MULTIPLIER.check(multiplier);
      return this;
    }

    /**
     * Sets how delays are randomised.
     *
     * @param jitter the jitter
     * @return this builder
     */
    public Builder jitter(Jitter jitter) {
      this.jitter = RetrySettings.JITTER.check(jitter);
      return this;
    }

    /**
     * Sets the exception types worth another attempt; empty means every {@link Exception} but the
     * {@link #REFUSALS}. Listing a refusal's own type makes it retryable.
     *
     * @param types the types
     * @return this builder
     */
    public Builder retryableExceptions(Collection<Class<? extends Throwable>> types) {
      this.retryableExceptions = copyTypes("retryableExceptions", types);
      return this;
    }

    /**
     * Sets the exception types never retried.
     *
     * @param types the types
     * @return this builder
     */
    public Builder nonRetryableExceptions(Collection<Class<? extends Throwable>> types) {
      this.nonRetryableExceptions = copyTypes("nonRetryableExceptions", types);
      return this;
    }

    /**
     * Sets the test for results worth another attempt.
     *
     * @param predicate true for a result that is not an answer
     * @return this builder
     */
    public Builder unacceptableResult(Predicate<Object> predicate) {
      this.unacceptableResult = Validate.notNull("unacceptableResult", predicate);
      return this;
    }

    /**
     * Sets the HTTP statuses worth another attempt, each in [100, 599]; empty means none.
     *
     * @param statuses the statuses
     * @return this builder
     */
    public Builder retryableStatuses(Collection<Integer> statuses) {
      RetrySettings.RETRYABLE_STATUSES.check(statuses);
      TreeSet<Integer> copy = new TreeSet<>(statuses);
      this.retryableStatuses = Collections.unmodifiableSortedSet(copy);
      return this;
    }

    /**
     * Sets the HTTP methods whose failed requests are worth another attempt; names are trimmed and
     * upper-cased, and must be letters, digits, {@code -} and {@code _}. Empty means that no
     * request whose method is known is retried.
     *
     * @param methods the methods, for example {@code GET} and {@code POST}
     * @return this builder
     */
    public Builder retryableMethods(Collection<String> methods) {
      RetrySettings.RETRYABLE_METHODS.check(methods);
      TreeSet<String> copy = new TreeSet<>();
      for (String m : methods) {
        copy.add(m.trim().toUpperCase(Locale.ROOT));
      }
      this.retryableMethods = Collections.unmodifiableSortedSet(copy);
      return this;
    }

    /**
     * Turns the retry budget on with this share of calls, in (0, 1].
     *
     * @param share the share of calls that may be retries
     * @return this builder
     */
    public Builder budget(double share) {
      this.budget = RetrySettings.BUDGET.check(share);
      return this;
    }

    /**
     * Turns the retry budget off: attempts are limited only by {@code maxAttempts}.
     *
     * @return this builder
     */
    public Builder noBudget() {
      this.budget = Double.NaN;
      return this;
    }

    /**
     * Sets the retries per second always allowed, in [0, 1000000].
     *
     * @param perSecond the floor
     * @return this builder
     */
    public Builder minRetriesPerSecond(double perSecond) {
      this.minRetriesPerSecond = RetrySettings.MIN_RETRIES_PER_SECOND.check(perSecond);
      return this;
    }

    private static List<Class<? extends Throwable>> copyTypes(
        String field, Collection<Class<? extends Throwable>> types) {
      Validate.notNull(field, types);
      List<Class<? extends Throwable>> copy = new ArrayList<>();
      int i = 0;
      for (Class<? extends Throwable> type : types) {
        if (type == null) {
          throw new IllegalArgumentException(field + " must not contain null, was null at " + i);
        }
        if (!copy.contains(type)) {
          copy.add(type);
        }
        i++;
      }
      return List.copyOf(copy);
    }

    /**
     * Checks the rules between fields and returns the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException if {@code maxDelay} is below {@code baseDelay} or a type is
     *     both retryable and non-retryable
     */
    public RetryPolicy build() {
      return RetrySettings.POLICY.checkRules(new RetryPolicy(this));
    }
  }
}
