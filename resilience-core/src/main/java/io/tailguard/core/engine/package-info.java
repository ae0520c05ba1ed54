/**
 * What every engine's registry shares: {@link io.tailguard.core.engine.EngineContext} (the clock,
 * scheduler, executor, recorder and grace period, owned or borrowed) and {@link
 * io.tailguard.core.engine.EngineRegistry} (named instances from defaults and per-instance
 * settings, with one rule for reloads and for retiring removed instances).
 */
package io.tailguard.core.engine;
