package dev.guardedagents.autoconfigure;

import java.nio.file.Path;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.FailureMode;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link GuardedAgentsFailureAnalyzer}, provoking the real failure.
 */
@ExtendWith(OutputCaptureExtension.class)
class GuardedAgentsFailureAnalyzerTests {

	private static final String NO_DATA_SOURCE = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	@Test
	void badPropertyValueIsExplainedAtStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:analyzer",
				"--guarded-agents.recovery.max-recoveries=0", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '0' for property 'guarded-agents.recovery.max-recoveries': it must be at least 1.")
			.contains("Update 'guarded-agents.recovery.max-recoveries' in your application's configuration.");
	}

	@Test
	void aRedactionPatternThatIsNoRegularExpressionIsExplainedAtStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:redaction",
				"--guarded-agents.redaction.patterns.iban=[A-Z{2}", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '[A-Z{2}' for property 'guarded-agents.redaction.patterns.iban': it is not a "
					+ "regular expression: Unclosed character class")
			.contains("in YAML, quote it with single quotes");
	}

	@Test
	void encryptionKeysWithoutAnActiveKeyOrOfTheWrongSizeAreExplainedAtStartupWithoutTheKey(CapturedOutput output) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:keys",
				"--guarded-agents.journal.encryption.keys.k1=c2hvcnQta2V5", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'guarded-agents.journal.encryption.keys.k1': it decodes to 9 bytes; an AES key has 16, 24 or "
					+ "32 (openssl rand -base64 32)")
			.doesNotContain("c2hvcnQta2V5");
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:keys2",
				"--guarded-agents.journal.encryption.keys.k1=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=",
				"--spring.main.banner-mode=off"));
		assertThat(output).contains("'guarded-agents.journal.encryption.active-key': it must name the key new payloads "
				+ "are encrypted with, one of [k1] (or 'none' to only read encrypted rows)");
	}

	@Test
	void reviewsNobodyMayDecideAreExplainedAtStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:unreviewed",
				"--guarded-agents.reviews.allow-anonymous=false", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("@HumanCheckpoint 'ship' names no reviewers")
			.contains("tool-failure reviews can occur")
			.contains("guarded-agents.reviews.kinds.tool-failure.reviewers is not set")
			.doesNotContain("budget reviews can occur")
			.contains("guarded-agents.reviews.kinds.<kind>.reviewers");
	}

	@Test
	void configuredReviewersLetItStartAndAnInMemoryJournalIsWarnedAbout(CapturedOutput output) {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application
			.run("--spring.datasource.url=jdbc:h2:mem:reviewed", "--guarded-agents.reviews.allow-anonymous=false",
					"--guarded-agents.reviews.kinds.checkpoint.reviewers=shipping",
					"--guarded-agents.reviews.kinds.tool-failure.reviewers=ops", "--spring.main.banner-mode=off")
			.close();
		assertThat(output)
			.contains("The Guarded Agents run journal is in an in-memory H2 database (jdbc:h2:mem:reviewed)")
			.contains("every run and review is lost when the application stops")
			.contains("Use a file-based H2 (jdbc:h2:file:./data/app;DB_CLOSE_ON_EXIT=FALSE) for development");
	}

	@Test
	void aPlanCallingAStepOfItsOwnBeanOnThisFailsStartupSayingHowToFixIt(CapturedOutput output) {
		SpringApplication application = new SpringApplication(SelfInvokingApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(
				() -> application.run("--spring.datasource.url=jdbc:h2:mem:self", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("@AgentRun SelfInvoking.plan calls SelfInvoking.lookup of its own bean on 'this': the call does "
					+ "not go through the bean's proxy, so it would be neither guarded nor journaled")
			.contains("Move lookup to another bean and inject that bean, or wrap the work in "
					+ "RunContext.step(\"lookup\", () -> ...)");
	}

	@Test
	void misspelledExpressionVariableIsExplainedAtStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MisspelledApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:misspelled",
				"--guarded-agents.reviews.allow-anonymous=true", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("@HumanCheckpoint(when = \"#amout > 100\") on public int "
					+ "dev.guardedagents.autoconfigure.GuardedAgentsFailureAnalyzerTests$Payouts.pay(int,java.lang.String)")
			.contains("refers to #amout, which is not a parameter of the method; its parameters are [amount, customer]")
			.contains("Did you mean #amount?");
	}

	@Test
	void invalidExpressionSyntaxIsExplainedAtStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(BadSyntaxApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:syntax",
				"--guarded-agents.reviews.allow-anonymous=true", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("@GuardedTool(idempotencyKey = \"#order +\") on public java.lang.String "
					+ "dev.guardedagents.autoconfigure.GuardedAgentsFailureAnalyzerTests$Charges.charge(java.lang.String)")
			.contains("is not a valid SpEL expression")
			.contains("Correct the expression; it is evaluated over the method's arguments, such as #order.");
	}

	@Test
	void annotationsWithoutADataSourceFailStartupSayingWhatToAdd(CapturedOutput output) {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run(NO_DATA_SOURCE, "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Guarded Agents is not running, so [Shipping.")
			.contains("would be plain method calls")
			.contains("It needs a DataSource for its run journal, and there is none")
			.contains("com.h2database:h2 for development");
	}

	@Test
	void injectingAgentRunsWithoutADataSourceIsExplained(CapturedOutput output) {
		SpringApplication application = new SpringApplication(StarterApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run(NO_DATA_SOURCE, "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("No bean of type dev.guardedagents.AgentRuns: Guarded Agents is not running. It needs a "
					+ "DataSource for its run journal, and there is none")
			.contains("org.postgresql:postgresql with spring.datasource.url for production");
	}

	@Test
	void excludingTheStarterOnPurposeLeavesTheAnnotationsPlainMethods() {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application
			.run(NO_DATA_SOURCE + "," + GuardedAgentsAutoConfiguration.class.getName(), "--spring.main.banner-mode=off")
			.close();
	}

	@Test
	void aFileJournalThatH2ClosesOnExitIsWarnedAbout(CapturedOutput output, @TempDir Path directory) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application
			.run("--spring.datasource.url=jdbc:h2:file:" + directory.resolve("closing"),
					"--spring.main.banner-mode=off")
			.close();
		assertThat(output).contains("H2 closes in its own shutdown hook").contains("Add ;DB_CLOSE_ON_EXIT=FALSE");
		int warnings = output.toString().split("H2 closes in its own shutdown hook", -1).length;
		application
			.run("--spring.datasource.url=jdbc:h2:file:" + directory.resolve("open") + ";DB_CLOSE_ON_EXIT=FALSE",
					"--spring.main.banner-mode=off")
			.close();
		assertThat(output.toString().split("H2 closes in its own shutdown hook", -1)).hasSize(warnings);
	}

	@Test
	void misspelledKeysFailStartupWithTheKeyMeant(CapturedOutput output) {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:misspelled-keys",
				"--guarded-agents.reviews.allow-anonymous=true", "--guarded-agents.reviews.default-timout=1h",
				"--guarded-agents.tools.track.timout=3s", "--guarded-agents.budgets.default.max-costs=0.01",
				"--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'guarded-agents.reviews.default-timout' (\"guarded-agents.reviews.default-timout\" from "
					+ "property source \"commandLineArgs\") is not a Guarded Agents property; did you mean "
					+ "'guarded-agents.reviews.default-timeout'?")
			.contains("did you mean 'guarded-agents.tools.track.timeout'?")
			.contains("did you mean 'guarded-agents.budgets.default.max-cost'?");
	}

	@Test
	void toolsAndBudgetsTheApplicationDoesNotHaveFailStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.datasource.url=jdbc:h2:mem:unknown-names",
				"--guarded-agents.reviews.allow-anonymous=true", "--guarded-agents.tools.trak.max-attempts=1",
				"--guarded-agents.tools.defaults.max-attempts=2", "--guarded-agents.budgets.refunds.max-cost=1",
				"--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'guarded-agents.tools.trak.*': no tool of the application is named 'trak' (did you mean "
					+ "'track'?); known: [ship, track]")
			.contains("'guarded-agents.budgets.refunds.*': no @AgentRun(budget) names 'refunds', so it would never "
					+ "apply")
			.doesNotContain("'guarded-agents.tools.defaults.*'");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class StarterApp {

		@Bean
		Object needsRuns(AgentRuns runs) {
			return runs;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class MisspelledApp {

		@Bean
		Payouts payouts() {
			return new Payouts();
		}

	}

	static class Payouts {

		@HumanCheckpoint(name = "pay", when = "#amout > 100", reviewers = "finance")
		public int pay(int amount, String customer) {
			return amount;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BadSyntaxApp {

		@Bean
		Charges charges() {
			return new Charges();
		}

	}

	static class Charges {

		@GuardedTool(name = "charge", idempotencyKey = "#order +")
		public String charge(String order) {
			return order;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SelfInvokingApp {

		@Bean
		SelfInvoking selfInvoking() {
			return new SelfInvoking();
		}

	}

	static class SelfInvoking {

		@AgentRun(name = "self")
		public String plan(String order) {
			return lookup(order);
		}

		@GuardedTool(name = "lookup")
		public String lookup(String order) {
			return "found " + order;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class UnreviewedApp {

		@Bean
		Shipping shipping() {
			return new Shipping();
		}

	}

	static class Shipping {

		@HumanCheckpoint(name = "ship")
		public String ship(String order) {
			return order;
		}

		@GuardedTool(name = "track", onFailure = FailureMode.HUMAN_REVIEW)
		public String track(String order) {
			return order;
		}

	}

}
