/**
 * Resilience for HTTP clients without annotations: {@link io.tailguard.core.http.HttpClientGuard}
 * runs each request of a named client through a rate limiter, a retrier, a hedger that sends each
 * attempt to another endpoint ({@linkplain io.tailguard.core.http.HttpRouting replica routing}),
 * and one circuit breaker per target host, configured under {@code resilience.http-clients.<name>}
 * ({@link io.tailguard.core.http.HttpClientConfig}). The package knows no HTTP library: an adapter
 * (the Spring starter's {@code RestClient} interceptor and {@code WebClient} filter) gives it an
 * {@link io.tailguard.core.http.HttpExchange} that sends one attempt and an {@link
 * io.tailguard.core.http.HttpResponses} that reads and releases the adapter's responses.
 */
package io.tailguard.core.http;
