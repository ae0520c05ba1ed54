/**
 * The one declaration of every engine's settings: YAML key, type, default, allowed range, one-line
 * doc and the rules between settings. Builders validate with it, the YAML mapper and writer, {@code
 * toMap} and the Spring configuration metadata are derived from it, and its messages name the YAML
 * keys (or, for a Java builder, the setter's name).
 *
 * <p>Not part of the public API: {@link io.tailguard.core.config.ConfigSchema} is the read-only
 * view.
 */
package io.tailguard.core.internal.settings;
