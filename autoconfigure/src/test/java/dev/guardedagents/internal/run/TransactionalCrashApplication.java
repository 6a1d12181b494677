package dev.guardedagents.internal.run;

import java.util.List;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.RunContext;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application that {@link TransactionalCrashTests} runs in a child JVM and kills
 * around the commits of transactional steps. With {@code --tx.start=true} it starts runs
 * A, B and C; it always resumes what it finds, and prints DONE once no run is left
 * running.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TransactionalCrashApplication {

	static final int STEPS = 12;

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(TransactionalCrashApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		if (Boolean.parseBoolean(context.getEnvironment().getProperty("tx.start"))) {
			AgentRuns runs = context.getBean(AgentRuns.class);
			Plan plan = context.getBean(Plan.class);
			for (String tag : List.of("A", "B", "C")) {
				runs.start(() -> plan.run(tag));
			}
		}
		CrashTestApplication.exitWhenNoRunIsRunning(context);
	}

	@Bean
	Effects txEffects(JdbcTemplate jdbc) {
		return new Effects(jdbc);
	}

	@Bean
	Plan txPlan(Effects effects) {
		return new Plan(effects);
	}

	static class Plan {

		private final Effects effects;

		Plan(Effects effects) {
			this.effects = effects;
		}

		@AgentRun(name = "tx-plan")
		public int run(String tag) {
			int sum = 0;
			for (int i = 1; i <= STEPS; i++) {
				sum += this.effects.write(tag, i);
			}
			return sum;
		}

	}

	static class Effects {

		private final JdbcTemplate jdbc;

		Effects(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * Writes to the application's table in the step's transaction, then lingers
		 * before the commit so that a kill often lands inside the transaction.
		 */
		@GuardedTool(name = "write", transactional = true)
		public int write(String tag, int seq) {
			String key = RunContext.current().stepIdempotencyKey();
			this.jdbc.update("INSERT INTO tx_effect (step_key, seq) VALUES (?, ?)", key, seq);
			System.out.println("WROTE " + key);
			try {
				Thread.sleep(80);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return seq;
		}

	}

}
