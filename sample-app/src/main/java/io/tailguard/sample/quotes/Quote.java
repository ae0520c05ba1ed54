package io.tailguard.sample.quotes;

/**
 * A price quote, as the downstream returns it. Immutable.
 *
 * @param symbol the ticker symbol
 * @param price the price
 */
public record Quote(String symbol, double price) {}
