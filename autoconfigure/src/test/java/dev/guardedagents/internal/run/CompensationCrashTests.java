package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM in the middle of compensating a failed run's three steps, restarts it
 * on the same database, and checks that the compensation went on where it stopped: the
 * one that finished is not repeated, the one that was running runs again, the last one
 * runs once. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class CompensationCrashTests {

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@Test
	void aCompensationKilledHalfwayGoesOnWhereItStopped() throws Exception {
		String[] database = database();
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			jdbc.execute("CREATE TABLE crash_execution (step_key VARCHAR(100) NOT NULL, seq INT NOT NULL)");
			return null;
		});

		ChildJvm crashing = new ChildJvm(CompensationCrashApplication.class, this.directory, database,
				"--crash.phase=start");
		assertThat(crashing.awaitLine("COMPENSATING ")).isEqualTo("COMPENSATING booking-2");
		crashing.kill();

		ChildJvm resuming = new ChildJvm(CompensationCrashApplication.class, this.directory, database);
		resuming.awaitLine("DONE");
		assertThat(resuming.awaitExit()).isZero();

		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			Map<String, Object> run = jdbc
				.queryForMap("SELECT id, status, compensation, error_message FROM guarded_agents.guarded_run");
			assertThat(run.get("status")).isEqualTo("FAILED");
			assertThat(run.get("compensation")).isEqualTo("COMPENSATED");
			assertThat(run.get("error_message")).isEqualTo("no flights to rome");
			String id = (String) run.get("id");
			assertThat(jdbc.queryForList("SELECT seq FROM crash_execution ORDER BY step_key, seq", Integer.class))
				.as("compensations executed: booking 3 once, booking 2 killed and run again, booking 1 once")
				.containsExactlyInAnyOrder(3, 2, 2, 1);
			assertThat(jdbc.queryForList(
					"SELECT kind || ' ' || name FROM guarded_agents.guarded_step WHERE run_id = ? AND succeeded ORDER BY seq",
					String.class, id))
				.containsExactly("TOOL book", "TOOL book", "TOOL book", "COMPENSATION book", "COMPENSATION book",
						"COMPENSATION book");
			List<String> keys = jdbc.queryForList("SELECT DISTINCT step_key FROM crash_execution ORDER BY step_key",
					String.class);
			// each compensation's key names the booking it undoes, the same on its
			// second execution
			assertThat(keys).containsExactly(id + "/undo/1", id + "/undo/2", id + "/undo/3");
			return null;
		});
	}

}
