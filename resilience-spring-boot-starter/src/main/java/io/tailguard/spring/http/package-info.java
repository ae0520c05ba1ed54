/**
 * Spring's HTTP clients through {@code resilience.http-clients.<name>}: a {@code RestClient}
 * interceptor and a {@code WebClient} filter that hand each request to the core's {@code
 * HttpClientGuard}, named builders, and HTTP service group configurers. No resilience logic lives
 * here: the adapters translate Spring's request and response types for the core.
 */
package io.tailguard.spring.http;
