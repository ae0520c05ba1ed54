package io.tailguard.sample.orders;

/**
 * The stock of an item, as {@code inventory} keeps it. Immutable.
 *
 * @param sku the item
 * @param stock items of that kind in stock
 */
public record Stock(String sku, int stock) {}
