package dev.guardedagents.internal.run;

import java.util.Arrays;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.RunContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The small application that {@link CrashRecoveryTests} runs in a child JVM and kills.
 * With {@code --crash.kill-at=1,3,5} it starts one run per value, each blocking in the
 * middle of that step; without, it resumes what it finds and exits when no run is left
 * running. It reports on standard output.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class CrashTestApplication {

	static final int STEPS = 5;

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(CrashTestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		String killAt = context.getEnvironment().getProperty("crash.kill-at");
		if (killAt != null) {
			AgentRuns runs = context.getBean(AgentRuns.class);
			Plan plan = context.getBean(Plan.class);
			Arrays.stream(killAt.split(","))
				.map(Integer::parseInt)
				.forEach((step) -> System.out.println("STARTED " + runs.start(() -> plan.run(step)).runId()));
			return;
		}
		exitWhenNoRunIsRunning(context);
	}

	/**
	 * Waits while the journal holds running runs (this instance resumes them), then says
	 * DONE and exits: how the child applications of the crash tests end a resuming run.
	 */
	static void exitWhenNoRunIsRunning(ConfigurableApplicationContext context) throws InterruptedException {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		while (jdbc.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'RUNNING'",
				Integer.class) > 0) {
			Thread.sleep(50);
		}
		System.out.println("DONE");
		System.exit(SpringApplication.exit(context));
	}

	@Bean
	Tools crashTools(JdbcTemplate jdbc, @Value("${crash.kill-at:}") String killAt) {
		return new Tools(jdbc, !killAt.isEmpty());
	}

	@Bean
	Plan crashPlan(Tools tools) {
		return new Plan(tools);
	}

	static class Plan {

		private final Tools tools;

		Plan(Tools tools) {
			this.tools = tools;
		}

		@AgentRun(name = "crash-plan")
		public String run(int killAt) {
			StringBuilder result = new StringBuilder();
			for (int i = 1; i <= STEPS; i++) {
				result.append(this.tools.step(i, killAt));
			}
			return result.toString();
		}

	}

	static class Tools {

		private final JdbcTemplate jdbc;

		private final boolean blocking;

		Tools(JdbcTemplate jdbc, boolean blocking) {
			this.jdbc = jdbc;
			this.blocking = blocking;
		}

		/**
		 * A step whose side effect goes to an external ledger keyed by the step's
		 * idempotency key, as an API that accepts one would keep it; every execution is
		 * counted apart.
		 */
		@GuardedTool(name = "step")
		public String step(int seq, int killAt) {
			String key = RunContext.current().stepIdempotencyKey();
			this.jdbc.update("INSERT INTO crash_execution (step_key, seq) VALUES (?, ?)", key, seq);
			if (this.blocking && seq == killAt) {
				System.out.println("BLOCKED " + key);
				try {
					Thread.sleep(Long.MAX_VALUE);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			this.jdbc.update("INSERT INTO crash_ledger (step_key) SELECT ? WHERE NOT EXISTS "
					+ "(SELECT 1 FROM crash_ledger WHERE step_key = ?)", key, key);
			return "[" + seq + "]";
		}

	}

}
