/**
 * Helpers shared by the engines. Not part of the public API: anything here may change without
 * notice.
 */
package io.tailguard.core.internal;
