/**
 * The annotations that put Spring bean methods under Tailguard's engines: {@link
 * io.tailguard.spring.annotation.CircuitProtected}, {@link io.tailguard.spring.annotation.Hedged}.
 */
package io.tailguard.spring.annotation;
