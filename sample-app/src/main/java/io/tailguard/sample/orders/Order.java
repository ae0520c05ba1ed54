package io.tailguard.sample.orders;

/**
 * An order, as {@code db} keeps it. Immutable.
 *
 * @param id the order id
 * @param sku the item ordered
 */
public record Order(String id, String sku) {}
