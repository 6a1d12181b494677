package dev.guardedagents.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package rules of the starter, checked on its compiled classes: the public API names
 * no implementation package; nothing internal depends on the endpoints or the
 * auto-configuration; the journal store knows nothing of the web, of models and of
 * auto-configuration; the run engine knows nothing of the web and of auto-configuration.
 */
class PackageRulesTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.guardedagents");
	}

	@Test
	void thePublicApiNamesNoImplementationPackage() {
		// RunContext reads the current run from the engine's holder inside its static
		// accessor; no signature of the API names it
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("dev.guardedagents", "dev.guardedagents.spi")
			.and()
			.doNotHaveFullyQualifiedName("dev.guardedagents.RunContext")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.guardedagents.internal..", "dev.guardedagents.actuate..",
					"dev.guardedagents.autoconfigure..");
		rule.check(classes);
	}

	@Test
	void theImplementationKnowsNoEndpointAndNoAutoConfiguration() {
		noClasses().that()
			.resideInAPackage("dev.guardedagents.internal..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.guardedagents.actuate..", "dev.guardedagents.autoconfigure..",
					"org.springframework.boot.autoconfigure..")
			.check(classes);
	}

	@Test
	void theStoreKnowsNoWebNoModelsAndNoEngine() {
		noClasses().that()
			.resideInAPackage("dev.guardedagents.internal.store..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.guardedagents.internal.llm..", "dev.guardedagents.internal.run..",
					"org.springframework.web..", "org.springframework.ai..", "jakarta.servlet..")
			.check(classes);
	}

	@Test
	void theEngineKnowsNoWeb() {
		noClasses().that()
			.resideInAPackage("dev.guardedagents.internal.run..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.web..", "jakarta.servlet..")
			.check(classes);
	}

}
