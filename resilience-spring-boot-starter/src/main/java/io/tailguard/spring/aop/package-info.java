/**
 * The advisors and interceptors behind the starter's annotations, and their return-type adapters
 * (plain values, {@code CompletionStage}, Reactor {@code Mono} and {@code Flux}).
 */
package io.tailguard.spring.aop;
