package dev.guardedagents.internal.run;

import java.sql.SQLException;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.RunContext;
import dev.guardedagents.test.PostgresDatabase;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application that {@link PausedOwnerTests} runs as two instances in child JVMs. With
 * {@code --paused.start=N} it starts N runs of {@value #STEPS} slow steps (or
 * {@code --paused.steps}); without, it resumes what it finds and exits when no run is
 * left running. Every step body that starts is counted with the instance that ran it and
 * the database's time.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class PausedOwnerApplication {

	static final int STEPS = 6;

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(PausedOwnerApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		String start = context.getEnvironment().getProperty("paused.start");
		if (start != null) {
			AgentRuns runs = context.getBean(AgentRuns.class);
			Plan plan = context.getBean(Plan.class);
			for (int i = 0; i < Integer.parseInt(start); i++) {
				int run = i;
				System.out.println("STARTED " + runs.start(() -> plan.run(run)).runId());
			}
			return;
		}
		CrashTestApplication.exitWhenNoRunIsRunning(context);
	}

	/**
	 * Creates a PostgreSQL database for the instances, with the table that counts step
	 * bodies.
	 * @return its URL, user and password
	 */
	static String[] database() throws SQLException {
		String[] database = { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			jdbc.execute("CREATE TABLE paused_execution (step_key VARCHAR(100) NOT NULL, "
					+ "instance VARCHAR(20) NOT NULL, started_at TIMESTAMP WITH TIME ZONE NOT NULL)");
			return null;
		});
		return database;
	}

	@Bean
	Steps pausedSteps(JdbcTemplate jdbc, @Value("${guarded-agents.instance-id}") String instance,
			@Value("${paused.ledger:table}") String ledger) {
		return new Steps(jdbc, instance, "table".equals(ledger));
	}

	@Bean
	Plan pausedPlan(Steps steps, @Value("${paused.steps:" + STEPS + "}") int count) {
		return new Plan(steps, count);
	}

	static class Plan {

		private final Steps steps;

		private final int count;

		Plan(Steps steps, int count) {
			this.steps = steps;
			this.count = count;
		}

		@AgentRun(name = "paused-plan")
		public String run(int run) {
			StringBuilder result = new StringBuilder();
			for (int i = 1; i <= this.count; i++) {
				result.append(this.steps.step(run, i));
			}
			return result.toString();
		}

	}

	static class Steps {

		private final JdbcTemplate jdbc;

		private final String instance;

		private final boolean table;

		Steps(JdbcTemplate jdbc, String instance, boolean table) {
			this.jdbc = jdbc;
			this.instance = instance;
			this.table = table;
		}

		@GuardedTool(name = "slow-step")
		public String step(int run, int seq) {
			String key = RunContext.current().stepIdempotencyKey();
			if (this.table) {
				this.jdbc.update("INSERT INTO paused_execution (step_key, instance, started_at) VALUES (?, ?, now())",
						key, this.instance);
			}
			System.out.println("STEP " + key);
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			return "[" + run + "." + seq + "]";
		}

	}

}
