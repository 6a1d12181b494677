package dev.guardedagents.internal.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.guardedagents.internal.llm.OpenAiStub;
import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM after model call 2 of a three-call run (a tool round, then a summary)
 * made with Spring AI's real OpenAI client against a local stub, on the real PostgreSQL:
 * after the restart the run completes with exactly one more request to the model, and the
 * tool the model picked ran once.
 */
@PostgresTest
class ModelCrashTests {

	private final OpenAiStub openAi = new OpenAiStub();

	@TempDir
	Path directory;

	@AfterEach
	void stop() {
		this.openAi.server().stop();
	}

	@Test
	void aRunKilledAfterItsSecondModelCallResumesWithOneMoreRequest() throws Exception {
		this.openAi.toolRound("weather in Paris", "currentTemperature", "{\"city\":\"Paris\"}", "It is 21C in Paris.");
		this.openAi.answer("Summarize for the customer", "Sunny, 21C.", 2000, 50);
		String[] database = { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
		Path ledger = this.directory.resolve("ledger.txt");
		String[] openAi = { "--spring.ai.openai.base-url=" + this.openAi.baseUrl() + "/v1",
				"--spring.ai.openai.chat.model=gpt-lab", "--spring.ai.openai.max-retries=0",
				"--crash.ledger=" + ledger };

		ChildJvm crashing = new ChildJvm(ModelCrashApplication.class, this.directory, database,
				concat(openAi, "--crash.phase=start"));
		crashing.awaitLine("HOLDING");
		assertThat(this.openAi.server().getAllServeEvents()).hasSize(2);
		crashing.kill();

		ChildJvm resuming = new ChildJvm(ModelCrashApplication.class, this.directory, database, openAi);
		assertThat(resuming.awaitLine("DONE ")).isEqualTo("DONE \"Sunny, 21C.\"");
		assertThat(resuming.awaitExit()).isZero();
		assertThat(this.openAi.server().getAllServeEvents()).hasSize(3);
		assertThat(this.openAi.requests("Summarize for the customer")).isEqualTo(1);
		assertThat(Files.readAllLines(ledger)).isEqualTo(List.of("tool Paris"));
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			assertThat(jdbc.queryForList("SELECT kind FROM guarded_agents.guarded_step ORDER BY seq", String.class))
				.containsExactly("LLM", "TOOL", "LLM", "TOOL", "LLM");
			return null;
		});
	}

	private static String[] concat(String[] first, String last) {
		String[] all = java.util.Arrays.copyOf(first, first.length + 1);
		all[first.length] = last;
		return all;
	}

}
