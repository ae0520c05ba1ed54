/** Web error responses: RFC 9457 problem details with Retry-After for Tailguard's rejections. */
package io.tailguard.spring.web;
