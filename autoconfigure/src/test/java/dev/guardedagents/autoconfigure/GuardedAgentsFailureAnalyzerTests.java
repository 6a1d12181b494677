package dev.guardedagents.autoconfigure;

import dev.guardedagents.FailureMode;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
	void configuredReviewersLetItStart() {
		SpringApplication application = new SpringApplication(UnreviewedApp.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application
			.run("--spring.datasource.url=jdbc:h2:mem:reviewed", "--guarded-agents.reviews.allow-anonymous=false",
					"--guarded-agents.reviews.kinds.checkpoint.reviewers=shipping",
					"--guarded-agents.reviews.kinds.tool-failure.reviewers=ops", "--spring.main.banner-mode=off")
			.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

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
