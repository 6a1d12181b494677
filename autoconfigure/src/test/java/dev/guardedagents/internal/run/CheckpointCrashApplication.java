package dev.guardedagents.internal.run;

import java.util.List;

import dev.guardedagents.AgentRun;
import dev.guardedagents.AgentRuns;
import dev.guardedagents.GuardedTool;
import dev.guardedagents.HumanCheckpoint;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.TimeoutOutcome;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application that {@link CheckpointCrashTests} runs in a child JVM, in phases given
 * by {@code --crash.phase}: {@code start} starts runs A, B and C, which park at their
 * checkpoints; {@code resume} waits for A and B, then approves C, whose step after the
 * approved action blocks; {@code finish} waits for every run to end. It reports on
 * standard output.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class CheckpointCrashApplication {

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(CheckpointCrashApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		String phase = context.getEnvironment().getProperty("crash.phase");
		if ("start".equals(phase)) {
			AgentRuns runs = context.getBean(AgentRuns.class);
			Plan plan = context.getBean(Plan.class);
			for (String tag : List.of("A", "B", "C")) {
				runs.start(() -> plan.run(tag));
			}
			until(jdbc, "SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'WAITING'", 3);
			System.out.println("PARKED");
			return;
		}
		if ("resume".equals(phase)) {
			until(jdbc, "SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'SUCCEEDED'", 2);
			String runC = jdbc.queryForObject("SELECT id FROM guarded_agents.guarded_run WHERE arguments = '[\"C\"]'",
					String.class);
			Reviews reviews = context.getBean(Reviews.class);
			reviews.decide(reviews.list(ReviewQuery.pending().withRunId(runC)).reviews().get(0).id(),
					ReviewDecision.approve("late-reviewer"));
			return;
		}
		until(jdbc, "SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status IN ('RUNNING', 'WAITING')", 0);
		System.out.println("DONE");
		System.exit(SpringApplication.exit(context));
	}

	private static void until(JdbcTemplate jdbc, String count, int expected) throws InterruptedException {
		while (jdbc.queryForObject(count, Integer.class) != expected) {
			Thread.sleep(50);
		}
	}

	@Bean
	Actions crashActions(JdbcTemplate jdbc) {
		return new Actions(jdbc);
	}

	@Bean
	Notes crashNotes(JdbcTemplate jdbc, @Value("${crash.phase}") String phase) {
		return new Notes(jdbc, "resume".equals(phase));
	}

	@Bean
	Plan crashPlan(Notes notes, Actions actions) {
		return new Plan(notes, actions);
	}

	static void executed(JdbcTemplate jdbc, String what) {
		jdbc.update("INSERT INTO crash_execution (step_key, seq) VALUES (?, 0)", what);
	}

	static class Plan {

		private final Notes notes;

		private final Actions actions;

		Plan(Notes notes, Actions actions) {
			this.notes = notes;
			this.actions = actions;
		}

		@AgentRun(name = "approval-crash")
		public String run(String tag) {
			this.notes.note(tag, "before");
			String acted = "B".equals(tag) ? this.actions.actSoon(tag) : this.actions.act(tag);
			this.notes.note(tag, "after");
			return acted;
		}

	}

	static class Actions {

		private final JdbcTemplate jdbc;

		Actions(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@HumanCheckpoint(name = "act", timeout = "1h")
		public String act(String tag) {
			executed(this.jdbc, tag + ":act");
			return "acted " + tag;
		}

		@HumanCheckpoint(name = "act-soon", timeout = "PT10S", onTimeout = TimeoutOutcome.APPROVE)
		public String actSoon(String tag) {
			executed(this.jdbc, tag + ":act");
			return "acted " + tag;
		}

	}

	static class Notes {

		private final JdbcTemplate jdbc;

		private final boolean blockAfterC;

		Notes(JdbcTemplate jdbc, boolean blockAfterC) {
			this.jdbc = jdbc;
			this.blockAfterC = blockAfterC;
		}

		@GuardedTool(name = "note")
		public String note(String tag, String when) {
			executed(this.jdbc, tag + ":" + when);
			if (this.blockAfterC && "C".equals(tag) && "after".equals(when)) {
				System.out.println("BLOCKED");
				try {
					Thread.sleep(Long.MAX_VALUE);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return tag + "-" + when;
		}

	}

}
