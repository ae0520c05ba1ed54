package io.tailguard.core.retry;

import static io.tailguard.core.internal.settings.Range.durations;

import io.tailguard.core.internal.settings.Range;
import io.tailguard.core.internal.settings.Rule;
import io.tailguard.core.internal.settings.Setting;
import io.tailguard.core.internal.settings.SettingGroup;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declaration of a retry policy's settings ({@link RetryPolicy}): keys, defaults, ranges, docs
 * and rules. The builder validates with it and the YAML mapper, writer and reports iterate it.
 *
 * <p>Not part of the public API: read {@link io.tailguard.core.config.ConfigSchema}. It must not
 * read static fields of the config classes, which read it while they initialize. Stateless and
 * thread-safe.
 */
// Its groups are typed with the core's internal settings package, which the module does not
// export: the config package uses them inside the module; ConfigSchema is the public view.
@SuppressWarnings("exports")
public final class RetrySettings {

  private RetrySettings() {}

  static final Setting<RetryPolicy, Integer> MAX_ATTEMPTS =
      Setting.integer(
          "max-attempts",
          "maxAttempts",
          3,
          1,
          1_000_000,
          "The most attempts per call, the first included; 1 means no retry.",
          RetryPolicy::maxAttempts);
  static final Setting<RetryPolicy, Duration> BASE_DELAY =
      Setting.duration(
          "base-delay",
          "baseDelay",
          Duration.ofMillis(500),
          durations(Duration.ZERO, Duration.ofDays(1)),
          "The delay before the first retry, before jitter.",
          RetryPolicy::baseDelay);
  static final Setting<RetryPolicy, Duration> MAX_DELAY =
      Setting.duration(
          "max-delay",
          "maxDelay",
          Duration.ofSeconds(5),
          durations(Duration.ZERO, Duration.ofNanos(Long.MAX_VALUE)),
          "The longest delay between two attempts, jitter and Retry-After included.",
          RetryPolicy::maxDelay);
  static final Setting<RetryPolicy, Double> MULTIPLIER =
      Setting.decimal(
          "multiplier",
          "multiplier",
          2.0,
          Range.closed(1, 100),
          "The factor by which the delay grows per retry.",
          RetryPolicy::multiplier);
  static final Setting<RetryPolicy, Jitter> JITTER =
      Setting.enumeration(
          "jitter",
          "jitter",
          Jitter.class,
          Jitter.FULL,
          "How delays are randomised.",
          RetryPolicy::jitter);
  static final Setting<RetryPolicy, List<Class<? extends Throwable>>> RETRYABLE_EXCEPTIONS =
      Setting.exceptions(
          "retryable-exceptions",
          "retryableExceptions",
          "Exception types worth another attempt; empty means every exception but refusals.",
          RetryPolicy::retryableExceptions);
  static final Setting<RetryPolicy, List<Class<? extends Throwable>>> NON_RETRYABLE_EXCEPTIONS =
      Setting.exceptions(
          "non-retryable-exceptions",
          "nonRetryableExceptions",
          "Exception types never retried; they win over retryable-exceptions.",
          RetryPolicy::nonRetryableExceptions);
  static final Setting<RetryPolicy, Collection<Integer>> RETRYABLE_STATUSES =
      Setting.<RetryPolicy, Collection<Integer>>collection(
              Setting.Kind.INTEGERS,
              "retryable-statuses",
              "retryableStatuses",
              sorted(429, 500, 502, 503, 504),
              "HTTP statuses worth another attempt.",
              p -> p.retryableStatuses())
          .checking(RetrySettings::statusProblem);
  static final Setting<RetryPolicy, Collection<String>> RETRYABLE_METHODS =
      Setting.<RetryPolicy>httpMethods(
          "retryable-methods",
          "retryableMethods",
          sorted("DELETE", "GET", "HEAD", "OPTIONS", "PUT", "TRACE"),
          "HTTP methods whose failed requests are worth another attempt.",
          p -> p.retryableMethods());
  static final Setting<RetryPolicy, Double> BUDGET =
      Setting.<RetryPolicy>decimal(
              "budget",
              "budget",
              0.1,
              Range.openClosed(0, 1),
              "The share of calls that may be retries, in a rolling 10s window; off turns the"
                  + " budget off.",
              p -> p.budget().isPresent() ? p.budget().getAsDouble() : null)
          .orWord("off");
  static final Setting<RetryPolicy, Double> MIN_RETRIES_PER_SECOND =
      Setting.decimal(
          "min-retries-per-second",
          "minRetriesPerSecond",
          10.0,
          Range.closed(0, 1_000_000),
          "Retries per second always allowed, whatever the budget says.",
          RetryPolicy::minRetriesPerSecond);

  /** A retry policy's settings. */
  public static final SettingGroup<RetryPolicy> POLICY =
      SettingGroup.of(
          "A retry policy.",
          List.of(
              MAX_ATTEMPTS,
              BASE_DELAY,
              MAX_DELAY,
              MULTIPLIER,
              JITTER,
              RETRYABLE_EXCEPTIONS,
              NON_RETRYABLE_EXCEPTIONS,
              RETRYABLE_STATUSES,
              RETRYABLE_METHODS,
              BUDGET,
              MIN_RETRIES_PER_SECOND),
          List.of(
              Rule.atLeast(MAX_DELAY, BASE_DELAY),
              Rule.disjoint(
                  RETRYABLE_EXCEPTIONS,
                  NON_RETRYABLE_EXCEPTIONS,
                  "retryable and non-retryable",
                  NON_RETRYABLE_EXCEPTIONS)),
          v -> {
            RetryPolicy.Builder b =
                RetryPolicy.builder()
                    .maxAttempts(v.get(MAX_ATTEMPTS))
                    .baseDelay(v.get(BASE_DELAY))
                    .maxDelay(v.get(MAX_DELAY))
                    .multiplier(v.get(MULTIPLIER))
                    .jitter(v.get(JITTER))
                    .retryableExceptions(v.get(RETRYABLE_EXCEPTIONS))
                    .nonRetryableExceptions(v.get(NON_RETRYABLE_EXCEPTIONS))
                    .retryableStatuses(v.get(RETRYABLE_STATUSES))
                    .retryableMethods(v.get(RETRYABLE_METHODS))
                    .minRetriesPerSecond(v.get(MIN_RETRIES_PER_SECOND));
            Double budget = v.get(BUDGET);
            if (budget == null) {
              b.noBudget();
            } else {
              b.budget(budget);
            }
            return b.build();
          });

  private static Set<Integer> sorted(Integer... values) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(List.of(values)));
  }

  private static Set<String> sorted(String... values) {
    return Collections.unmodifiableSortedSet(new TreeSet<>(List.of(values)));
  }

  private static String statusProblem(Collection<Integer> statuses) {
    int i = 0;
    for (Integer s : statuses) {
      if (s < 100 || s > 599) {
        return "must be HTTP status codes in [100, 599], was " + s + " at " + i;
      }
      i++;
    }
    return null;
  }
}
