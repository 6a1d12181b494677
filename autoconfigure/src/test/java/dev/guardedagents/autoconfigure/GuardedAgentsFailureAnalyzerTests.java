package dev.guardedagents.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
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

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
