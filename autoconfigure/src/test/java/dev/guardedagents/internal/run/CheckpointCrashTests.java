package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Human checkpoints across killed JVMs: run A is approved while every instance is down,
 * through the {@link Reviews} bean of another instance; run B's deadline passes while
 * every instance is down and fires after the restart; run C is approved after the restart
 * and the JVM is killed right after its approved action ran. Every run completes, every
 * action ran exactly once. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class CheckpointCrashTests {

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@Test
	void decisionsAndDeadlinesWhileDownAndACrashAfterTheActionCompleteEachRunOnce() throws Exception {
		String[] database = database();
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			jdbc.execute("CREATE TABLE crash_execution (step_key VARCHAR(100) NOT NULL, seq INT NOT NULL)");
			return null;
		});

		ChildJvm starting = new ChildJvm(CheckpointCrashApplication.class, this.directory, database,
				"--crash.phase=start");
		starting.awaitLine("PARKED");
		starting.kill();

		Instant deadlineOfB;
		try (ConfigurableApplicationContext decider = new SpringApplicationBuilder(Decider.class)
			.web(WebApplicationType.NONE)
			.run("--spring.datasource.url=" + database[0], "--spring.datasource.username=" + database[1],
					"--spring.datasource.password=" + database[2], "--guarded-agents.instance-id=decider",
					"--spring.main.banner-mode=off", "--logging.level.root=warn")) {
			Reviews reviews = decider.getBean(Reviews.class);
			List<ReviewView> pending = reviews.list(ReviewQuery.pending().withPage(0, ReviewQuery.MAX_SIZE)).reviews();
			assertThat(pending).hasSize(3);
			ReviewView reviewOfA = review(pending, "A");
			reviews.decide(reviewOfA.id(), ReviewDecision.approve("remote-reviewer"));
			ReviewView reviewOfB = review(pending, "B");
			deadlineOfB = reviewOfB.deadline();
			assertThat(reviews.find(reviewOfB.id()).orElseThrow().status()).isEqualTo(ReviewStatus.PENDING);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(deadlineOfB));

		ChildJvm resuming = new ChildJvm(CheckpointCrashApplication.class, this.directory, database,
				"--crash.phase=resume");
		resuming.awaitLine("BLOCKED");
		resuming.kill();

		ChildJvm finishing = new ChildJvm(CheckpointCrashApplication.class, this.directory, database,
				"--crash.phase=finish");
		finishing.awaitLine("DONE");
		assertThat(finishing.awaitExit()).isZero();

		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			List<Map<String, Object>> runs = jdbc
				.queryForList("SELECT arguments, status, result FROM guarded_agents.guarded_run ORDER BY arguments");
			assertThat(runs).extracting((run) -> run.get("status")).containsOnly("SUCCEEDED");
			assertThat(runs).extracting((run) -> run.get("result"))
				.containsExactly("\"acted A\"", "\"acted B\"", "\"acted C\"");
			for (String tag : List.of("A", "B", "C")) {
				for (String what : List.of("before", "act", "after")) {
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM crash_execution WHERE step_key = ?",
							Integer.class, tag + ":" + what))
						.as("executions of %s:%s", tag, what)
						.isEqualTo(("C".equals(tag) && "after".equals(what)) ? 2 : 1);
				}
			}
			List<Map<String, Object>> reviews = jdbc.queryForList("SELECT r.status, r.reviewer FROM "
					+ "guarded_agents.guarded_review r JOIN guarded_agents.guarded_run g ON g.id = r.run_id "
					+ "ORDER BY g.arguments");
			assertThat(reviews).extracting((review) -> review.get("status"))
				.containsExactly("APPROVED", "APPROVED", "APPROVED");
			assertThat(reviews).extracting((review) -> review.get("reviewer"))
				.containsExactly("remote-reviewer", null, "late-reviewer");
			return null;
		});
	}

	private static ReviewView review(List<ReviewView> pending, String tag) {
		return pending.stream()
			.filter((review) -> review.payload().equals("{\"tag\":\"" + tag + "\"}"))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * Another instance of the application without any plan: it can decide reviews but
	 * never resumes runs.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Decider {

	}

}
