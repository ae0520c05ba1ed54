package io.tailguard.sample.catalog;

/**
 * An item of the catalog, as a replica answers it.
 *
 * @param sku the item
 * @param name its name
 * @param price its price
 * @param replica the replica that answered ({@code catalog-a} or {@code catalog-b})
 */
public record Item(String sku, String name, double price, String replica) {}
