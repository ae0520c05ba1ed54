package io.tailguard.benchmarks.hedge.sim;

import java.util.List;

/**
 * How tg-default did in one scenario against the baselines, and its target checks.
 *
 * @param scenario the scenario's name
 * @param bestFixed the fixed-delay policy with the lowest p99.9 among those with no more extra
 *     attempts than tg-default, or {@code null} if none has so few
 * @param bestFixedP999Millis its p99.9; NaN without one
 * @param bestFixedExtra its extra attempts; NaN without one
 * @param ratioToBestFixed tg-default's p99.9 over the best fixed one's; NaN without one
 * @param ratioToRunningP95 tg-default's p99.9 over running-p95's
 * @param extraFirstHalf tg-default's extra attempts in the first half
 * @param extraSecondHalf tg-default's extra attempts in the second half
 * @param budget the default budget's maxExtraLoad
 * @param checks the target checks of this scenario
 */
record Summary(
    String scenario,
    String bestFixed,
    double bestFixedP999Millis,
    double bestFixedExtra,
    double ratioToBestFixed,
    double ratioToRunningP95,
    double extraFirstHalf,
    double extraSecondHalf,
    double budget,
    List<Check> checks) {}
