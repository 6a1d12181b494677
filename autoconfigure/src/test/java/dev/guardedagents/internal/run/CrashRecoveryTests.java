package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a real child JVM in the middle of step k of a 5-step run, for several k at once,
 * restarts it on the same database and checks that every run completed, that the steps
 * completed before the crash executed exactly once, and that each step's side effect
 * reached the external ledger once. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class CrashRecoveryTests {

	private static final int[] KILL_AT = { 1, 3, 5 };

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@Test
	void runsKilledMidStepResumeAfterRestartAndCompleteExactlyOnce() throws Exception {
		String[] database = database();
		jdbc(database, (jdbc) -> {
			jdbc.execute("CREATE TABLE crash_execution (step_key VARCHAR(100) NOT NULL, seq INT NOT NULL)");
			jdbc.execute("CREATE TABLE crash_ledger (step_key VARCHAR(100) NOT NULL PRIMARY KEY)");
			return null;
		});

		ChildJvm crashing = new ChildJvm(CrashTestApplication.class, this.directory, database, "--crash.kill-at=1,3,5");
		List<String> blocked = new ArrayList<>();
		for (int i = 0; i < KILL_AT.length; i++) {
			blocked.add(crashing.awaitLine("BLOCKED "));
		}
		crashing.kill();

		ChildJvm resuming = new ChildJvm(CrashTestApplication.class, this.directory, database);
		resuming.awaitLine("DONE");
		assertThat(resuming.awaitExit()).isZero();

		jdbc(database, (jdbc) -> {
			List<Map<String, Object>> runs = jdbc.queryForList(
					"SELECT id, status, result, arguments, recoveries FROM guarded_agents.guarded_run ORDER BY arguments");
			assertThat(runs).hasSize(KILL_AT.length);
			for (int r = 0; r < KILL_AT.length; r++) {
				Map<String, Object> run = runs.get(r);
				int killAt = KILL_AT[r];
				String id = (String) run.get("id");
				assertThat(run.get("arguments")).isEqualTo("[" + killAt + "]");
				assertThat(run.get("status")).isEqualTo("SUCCEEDED");
				assertThat(run.get("result")).isEqualTo("\"[1][2][3][4][5]\"");
				assertThat(blocked).contains("BLOCKED " + id + "/" + killAt);
				assertThat(jdbc.queryForList(
						"SELECT idempotency_key FROM guarded_agents.guarded_step WHERE run_id = ? " + "ORDER BY seq",
						String.class, id))
					.containsExactly(id + "/1", id + "/2", id + "/3", id + "/4", id + "/5");
				for (int seq = 1; seq <= CrashTestApplication.STEPS; seq++) {
					String key = id + "/" + seq;
					int executions = jdbc.queryForObject("SELECT COUNT(*) FROM crash_execution WHERE step_key = ?",
							Integer.class, key);
					assertThat(executions).as("executions of %s (killed in step %d)", key, killAt)
						.isEqualTo((seq == killAt) ? 2 : 1);
					assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM crash_ledger WHERE step_key = ?",
							Integer.class, key))
						.as("ledger entries of %s", key)
						.isEqualTo(1);
				}
			}
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM crash_ledger", Integer.class))
				.isEqualTo(KILL_AT.length * CrashTestApplication.STEPS);
			return null;
		});
	}

	static <T> T jdbc(String[] database, JdbcCallback<T> callback) throws SQLException {
		try (Connection connection = DriverManager.getConnection(database[0], database[1], database[2])) {
			return callback.doWith(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
		}
	}

	@FunctionalInterface
	interface JdbcCallback<T> {

		T doWith(JdbcTemplate jdbc);

	}

}
