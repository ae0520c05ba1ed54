package io.tailguard.core;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core's layers, checked on its compiled classes (the README's architecture section draws
 * them). From the bottom: the shared vocabulary ({@code io.tailguard.core} itself, {@code event},
 * {@code time}, {@code internal}), telemetry, the engine plumbing, the engines, the YAML
 * configuration, and the runtime that wires them. A layer may use the layers below it only, and no
 * two packages depend on each other.
 */
class ArchitectureTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tailguard.core");
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices().matching("io.tailguard.(**)").should().beFreeOfCycles().check(core);
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("vocabulary")
        .definedBy("io.tailguard.core", "io.tailguard.core.event..", "io.tailguard.core.time..")
        .layer("internal")
        .definedBy("io.tailguard.core.internal..")
        .layer("telemetry")
        .definedBy("io.tailguard.core.telemetry..")
        .layer("engine plumbing")
        .definedBy("io.tailguard.core.engine..")
        .layer("engines")
        .definedBy(
            "io.tailguard.core.circuitbreaker..",
            "io.tailguard.core.health..",
            "io.tailguard.core.hedge..",
            "io.tailguard.core.http..",
            "io.tailguard.core.retry..",
            "io.tailguard.core.ratelimiter..")
        .layer("configuration")
        .definedBy("io.tailguard.core.config..")
        .layer("runtime")
        .definedBy("io.tailguard.core.runtime..")
        .whereLayer("runtime")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("configuration")
        .mayOnlyBeAccessedByLayers("runtime")
        .whereLayer("engines")
        .mayOnlyBeAccessedByLayers("configuration", "runtime")
        .whereLayer("engine plumbing")
        .mayOnlyBeAccessedByLayers("engines", "configuration", "runtime")
        .whereLayer("telemetry")
        .mayOnlyBeAccessedByLayers("engine plumbing", "engines", "configuration", "runtime")
        .whereLayer("internal")
        .mayOnlyBeAccessedByLayers(
            "telemetry", "engine plumbing", "engines", "configuration", "runtime")
        .check(core);
  }
}
