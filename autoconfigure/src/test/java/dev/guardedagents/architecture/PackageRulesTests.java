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
 * no implementation package; the journal store knows nothing of the web, of models and of
 * auto-configuration; the run engine knows nothing of the web and of auto-configuration.
 */
class PackageRulesTests {

	private static final String[] IMPLEMENTATION = { "dev.guardedagents.actuate..", "dev.guardedagents.autoconfigure..",
			"dev.guardedagents.budget..", "dev.guardedagents.guard..", "dev.guardedagents.llm..",
			"dev.guardedagents.policy..", "dev.guardedagents.review..", "dev.guardedagents.run..",
			"dev.guardedagents.security..", "dev.guardedagents.store.." };

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
			.resideInAnyPackage(IMPLEMENTATION);
		rule.check(classes);
	}

	@Test
	void theStoreKnowsNoWebNoModelsAndNoAutoConfiguration() {
		noClasses().that()
			.resideInAPackage("dev.guardedagents.store..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.guardedagents.actuate..", "dev.guardedagents.llm..",
					"dev.guardedagents.autoconfigure..", "dev.guardedagents.run..", "org.springframework.web..",
					"org.springframework.ai..", "org.springframework.boot.autoconfigure..", "jakarta.servlet..")
			.check(classes);
	}

	@Test
	void theEngineKnowsNoWebAndNoAutoConfiguration() {
		noClasses().that()
			.resideInAPackage("dev.guardedagents.run..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.guardedagents.actuate..", "dev.guardedagents.autoconfigure..",
					"org.springframework.web..", "org.springframework.boot.autoconfigure..", "jakarta.servlet..")
			.check(classes);
	}

}
