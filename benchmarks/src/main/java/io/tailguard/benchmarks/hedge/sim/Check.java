package io.tailguard.benchmarks.hedge.sim;

/**
 * One target check of tg-default in one scenario.
 *
 * @param target what is checked, for example "p99.9 <= 1.2 x best fixed"
 * @param pass whether it holds
 * @param detail the figures compared
 */
record Check(String target, boolean pass, String detail) {}
