/**
 * Request hedging: {@link io.tailguard.core.hedge.Hedger}, its settings {@link
 * io.tailguard.core.hedge.HedgeConfig}, and the {@link io.tailguard.core.hedge.HedgerRegistry} of
 * named hedgers. Delay strategies live in {@code delay}.
 */
package io.tailguard.core.hedge;
