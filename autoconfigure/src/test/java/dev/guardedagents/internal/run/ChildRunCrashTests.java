package dev.guardedagents.internal.run;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.guardedagents.BudgetExceededException;
import dev.guardedagents.RunContext;
import dev.guardedagents.internal.llm.OpenAiStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM while the children of two parents run (each child made a priced model
 * call through Spring AI's real OpenAI client against a local stub, and holds), on the
 * database: after the restart each child ran once (one request to the model, one line in
 * the ledger), the parent with a roomy budget completes with both results and their cost
 * in its budget, and the parent whose budget is below its children's spend halts when the
 * second child's spend is counted. Run on a file-based H2 and on PostgreSQL by the
 * subclasses.
 */
abstract class ChildRunCrashTests {

	private final OpenAiStub openAi = new OpenAiStub();

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@AfterEach
	void stop() {
		this.openAi.server().stop();
	}

	@Test
	void childrenKilledWhileTheyRunEachRunOnceAfterTheRestartAndTheirCostIsInTheirParentsBudget() throws Exception {
		// each answer costs 80,000 x 2.50 + 10,000 x 10.00 per million = 0.30 USD
		for (String topic : List.of("1a", "1b", "2a", "2b")) {
			this.openAi.answer("Research " + topic, "found " + topic, 80000, 10000);
		}
		String[] database = database();
		Path ledger = this.directory.resolve("ledger.txt");
		String[] settings = { "--spring.ai.openai.base-url=" + this.openAi.baseUrl() + "/v1",
				"--spring.ai.openai.chat.model=gpt-lab", "--spring.ai.openai.max-retries=0",
				"--guarded-agents.pricing.gpt-lab.input-per-million=2.50",
				"--guarded-agents.pricing.gpt-lab.output-per-million=10.00",
				"--guarded-agents.budgets.roomy.max-cost=1.00", "--guarded-agents.budgets.tight.max-cost=0.40",
				"--crash.ledger=" + ledger };

		ChildJvm crashing = new ChildJvm(ChildRunCrashApplication.class, this.directory, database,
				concat(settings, "--crash.phase=start"));
		for (int i = 0; i < 4; i++) {
			crashing.awaitLine("HOLDING");
		}
		assertThat(this.openAi.server().getAllServeEvents()).hasSize(4);
		crashing.kill();

		ChildJvm resuming = new ChildJvm(ChildRunCrashApplication.class, this.directory, database, settings);
		resuming.awaitLine("DONE");
		assertThat(resuming.awaitExit()).isZero();
		assertThat(this.openAi.server().getAllServeEvents()).as("no model call made again").hasSize(4);
		assertThat(Files.readAllLines(ledger)).as("each child did its work once")
			.containsExactlyInAnyOrder("researched 1a", "researched 1b", "researched 2a", "researched 2b");
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run", Integer.class))
				.as("two parents, two children each: none started twice")
				.isEqualTo(6);
			assertThat(jdbc.queryForList("SELECT status FROM guarded_agents.guarded_run WHERE parent_id IS NOT NULL",
					String.class))
				.containsOnly("SUCCEEDED");
			Map<String, Object> roomy = jdbc
				.queryForMap("SELECT id, status, result FROM guarded_agents.guarded_run " + "WHERE name = 'family'");
			assertThat(roomy.get("status")).isEqualTo("SUCCEEDED");
			assertThat(roomy.get("result")).isEqualTo("\"found 1a|found 1b\"");
			assertThat(jdbc.queryForObject("SELECT SUM(cost) FROM guarded_agents.guarded_step WHERE run_id = ?",
					BigDecimal.class, roomy.get("id")))
				.as("both children's cost, counted once, in the parent's journal")
				.isEqualByComparingTo("0.60");
			assertThat(jdbc.queryForList("SELECT name FROM guarded_agents.guarded_step WHERE run_id = ? ORDER BY seq",
					String.class, roomy.get("id")))
				.containsExactly("researcher", "researcher", RunContext.AWAIT, RunContext.AWAIT);
			Map<String, Object> tight = jdbc.queryForMap("SELECT status, error_type, error_message "
					+ "FROM guarded_agents.guarded_run WHERE name = 'family-tight'");
			assertThat(tight.get("status")).isEqualTo("FAILED");
			assertThat(tight.get("error_type")).isEqualTo(BudgetExceededException.class.getName());
			assertThat((String) tight.get("error_message")).contains("spent 0.6 USD of 0.40 USD");
			return null;
		});
	}

	private static String[] concat(String[] first, String last) {
		String[] all = Arrays.copyOf(first, first.length + 1);
		all[first.length] = last;
		return all;
	}

}
