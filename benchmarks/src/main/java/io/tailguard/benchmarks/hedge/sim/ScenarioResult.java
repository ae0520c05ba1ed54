package io.tailguard.benchmarks.hedge.sim;

import java.util.List;

/**
 * The outcome of one scenario: every policy's figures, in the order of {@link Policies#all()}, and
 * the summary of tg-default against them.
 *
 * @param scenario the scenario
 * @param policies the figures per policy
 * @param summary the summary and target checks
 * @param elapsedMillis how long the scenario took to run, in wall-clock time
 */
record ScenarioResult(
    Scenario scenario, List<PolicyResult> policies, Summary summary, long elapsedMillis) {}
