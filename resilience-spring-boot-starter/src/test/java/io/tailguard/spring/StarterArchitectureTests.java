package io.tailguard.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The starter is a client of the core's API like any application: it binds, wires and exports, and
 * reaches nothing the core keeps to itself.
 */
class StarterArchitectureTests {

  private static final JavaClasses STARTER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.tailguard.spring");

  @Test
  void usesOnlyTheCoresApiPackages() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.tailguard.core.internal..")
        .because("the core's internal packages are not part of its API")
        .check(STARTER);
  }
}
