package io.tailguard.core.hedge;

import io.tailguard.core.internal.Failures;
import io.tailguard.core.internal.Validate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The settings of one {@link Hedger}: how many extra attempts, when to send them, the budget that
 * caps them, the overall timeout, and how attempt failures and results are classified.
 *
 * <p>Build one with {@link #builder()} or {@link #toBuilder()}. Every setter checks its value at
 * once and throws an {@link IllegalArgumentException} naming the field, the allowed range and the
 * value given; a {@code HedgeConfig} that exists is always valid.
 *
 * <p>Instances are immutable and thread-safe (the result predicate, if any, must be too). Builders
 * are not thread-safe.
 */
public final class HedgeConfig {

  private static final HedgeConfig DEFAULTS = new Builder().build();

  private final int maxHedges;
  private final DelayConfig delay;
  private final BudgetConfig budget;
  private final Duration timeout;
  private final boolean idempotent;
  private final boolean coalesce;
  private final List<Class<? extends Throwable>> retryableExceptions;
  private final List<Class<? extends Throwable>> fatalExceptions;
  private final Predicate<Object> unacceptableResult;

  private HedgeConfig(Builder b) {
    this.maxHedges = b.maxHedges;
    this.delay = b.delay;
    this.budget = b.budget;
    this.timeout = b.timeout;
    this.idempotent = b.idempotent;
    this.coalesce = b.coalesce;
    this.retryableExceptions = b.retryableExceptions;
    this.fatalExceptions = b.fatalExceptions;
    this.unacceptableResult = b.unacceptableResult;
  }

  /**
   * Returns the defaults, as documented on each accessor.
   *
   * @return the defaults
   */
  public static HedgeConfig defaults() {
    return DEFAULTS;
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
   * Returns a builder starting from this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The most extra attempts per call, in [1, 10]. Default 2: a second hedge is sent only when the
   * primary and the first hedge are both slow, so it costs little of the budget, and it cuts the
   * calls whose first hedge stalled too, which set p99.9 once stalls reach a few percent.
   *
   * @return the maximum number of hedges
   */
  public int maxHedges() {
    return maxHedges;
  }

  /**
   * When to send each hedge. Default {@link DelayConfig#defaults()}.
   *
   * @return the delay settings
   */
  public DelayConfig delay() {
    return delay;
  }

  /**
   * The budget that caps hedges. Default {@link BudgetConfig#DEFAULTS}.
   *
   * @return the budget
   */
  public BudgetConfig budget() {
    return budget;
  }

  /**
   * The time the whole call may take, all attempts included. Default 30s.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether the operation may run more than once. A hedger whose operation is not idempotent never
   * hedges: each call is one attempt under the timeout. Default {@code true}: configuring a hedger
   * for an operation is the declaration that it may be sent twice; say {@code false} for one that
   * must not be.
   *
   * @return whether hedging is allowed
   */
  public boolean idempotent() {
    return idempotent;
  }

  /**
   * Whether concurrent calls with the same key share one execution (single flight). Default {@code
   * false}.
   *
   * @return whether to coalesce
   */
  public boolean coalesce() {
    return coalesce;
  }

  /**
   * The exception types after which the next attempt starts at once (budget permitting); empty (the
   * default) means every exception that is not fatal. A failure of another type just ends its
   * attempt: the next hedge waits for its delay.
   *
   * @return the retryable types
   */
  public List<Class<? extends Throwable>> retryableExceptions() {
    return retryableExceptions;
  }

  /**
   * The exception types that end the whole call at once, cancelling the other attempts. Default
   * empty.
   *
   * @return the fatal types
   */
  public List<Class<? extends Throwable>> fatalExceptions() {
    return fatalExceptions;
  }

  /**
   * The test for results that do not count as an answer (an unacceptable result is treated like a
   * retryable failure). Default: every result is acceptable.
   *
   * @return the predicate; never {@code null}
   */
  public Predicate<Object> unacceptableResult() {
    return unacceptableResult;
  }

  boolean isFatal(Throwable t) {
    return Failures.isAny(fatalExceptions, t);
  }

  boolean isRetryable(Throwable t) {
    return retryableExceptions.isEmpty() || Failures.isAny(retryableExceptions, t);
  }

  /**
   * Returns the settings as an ordered map of plain values.
   *
   * @return the settings
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = HedgeSettings.HEDGE.report(this);
    m.put("unacceptableResult", unacceptableResult == Builder.NONE ? "none" : "custom");
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
        || (o instanceof HedgeConfig c
            && HedgeSettings.HEDGE.equal(this, c)
            && unacceptableResult.equals(c.unacceptableResult));
  }

  @Override
  public int hashCode() {
    return 31 * HedgeSettings.HEDGE.hash(this) + unacceptableResult.hashCode();
  }

  @Override
  public String toString() {
    return "HedgeConfig" + toMap();
  }

  /**
   * Builds a {@link HedgeConfig}; every setter validates at once.
   *
   * <p>This class is not thread-safe.
   */
  public static final class Builder {
    static final Predicate<Object> NONE = result -> false;

    private int maxHedges = HedgeSettings.MAX_HEDGES.defaultValue();
    private DelayConfig delay = DelayConfig.defaults();
    private BudgetConfig budget = BudgetConfig.DEFAULTS;
    private Duration timeout = HedgeSettings.TIMEOUT.defaultValue();
    private boolean idempotent = HedgeSettings.IDEMPOTENT.defaultValue();
    private boolean coalesce = HedgeSettings.COALESCE.defaultValue();
    private List<Class<? extends Throwable>> retryableExceptions = List.of();
    private List<Class<? extends Throwable>> fatalExceptions = List.of();
    private Predicate<Object> unacceptableResult = NONE;

    private Builder() {}

    private Builder(HedgeConfig c) {
      maxHedges = c.maxHedges;
      delay = c.delay;
      budget = c.budget;
      timeout = c.timeout;
      idempotent = c.idempotent;
      coalesce = c.coalesce;
      retryableExceptions = c.retryableExceptions;
      fatalExceptions = c.fatalExceptions;
      unacceptableResult = c.unacceptableResult;
    }

    /**
     * Sets the most extra attempts per call, in [1, 10].
     *
     * @param maxHedges the number
     * @return this builder
     */
    public Builder maxHedges(int maxHedges) {
      this.maxHedges = HedgeSettings.MAX_HEDGES.check(maxHedges);
      return this;
    }

    /**
     * Sets the delay settings.
     *
     * @param delay the settings
     * @return this builder
     */
    public Builder delay(DelayConfig delay) {
      this.delay = HedgeSettings.DELAY_SETTINGS.check(delay);
      return this;
    }

    /**
     * Sets the budget.
     *
     * @param budget the budget
     * @return this builder
     */
    public Builder budget(BudgetConfig budget) {
      this.budget = HedgeSettings.BUDGET_SETTINGS.check(budget);
      return this;
    }

    /**
     * Sets the overall timeout, in [1ms, 1d].
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = HedgeSettings.TIMEOUT.check(timeout);
      return this;
    }

    /**
     * Declares whether the operation may run more than once.
     *
     * @param idempotent whether hedging is allowed
     * @return this builder
     */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /**
     * Turns single-flight coalescing of calls with the same key on or off.
     *
     * @param coalesce whether to coalesce
     * @return this builder
     */
    public Builder coalesce(boolean coalesce) {
      this.coalesce = coalesce;
      return this;
    }

    /**
     * Sets the exception types that start the next attempt at once; empty means all non-fatal.
     *
     * @param types the types
     * @return this builder
     */
    public Builder retryableExceptions(Collection<Class<? extends Throwable>> types) {
      this.retryableExceptions = copyTypes("retryableExceptions", types);
      return this;
    }

    /**
     * Sets the exception types that end the call at once.
     *
     * @param types the types
     * @return this builder
     */
    public Builder fatalExceptions(Collection<Class<? extends Throwable>> types) {
      this.fatalExceptions = copyTypes("fatalExceptions", types);
      return this;
    }

    /**
     * Sets the test for unacceptable results.
     *
     * @param predicate true for a result that does not count as an answer
     * @return this builder
     */
    public Builder unacceptableResult(Predicate<Object> predicate) {
      this.unacceptableResult = Validate.notNull("unacceptableResult", predicate);
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
     * Checks the rules between fields and returns the settings.
     *
     * @return the settings
     */
    public HedgeConfig build() {
      return HedgeSettings.HEDGE.checkRules(new HedgeConfig(this));
    }
  }
}
