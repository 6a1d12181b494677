package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance frozen with {@code SIGSTOP} past its leases while it owns runs: a second
 * instance takes them over and finishes them; when the first wakes up ({@code SIGCONT})
 * it must not start a single step body for them, though its executor still holds them and
 * its threads were in the middle of steps. On PostgreSQL, which both instances share.
 */
@PostgresTest
class PausedOwnerTests {

	private static final int RUNS = 6;

	@TempDir
	Path directory;

	@Test
	void anOwnerPausedPastItsLeaseRunsNoBodyForRunsTakenOver() throws Exception {
		String[] database = PausedOwnerApplication.database();
		ChildJvm owner = new ChildJvm(PausedOwnerApplication.class, this.directory, database, settings("paused-a", "2"),
				"--paused.start=" + RUNS);
		for (int i = 0; i < 4; i++) {
			owner.awaitLine("STEP ");
		}
		owner.signal("STOP");
		try {
			ChildJvm survivor = new ChildJvm(PausedOwnerApplication.class, this.directory, database,
					settings("paused-b", "8"));
			survivor.awaitLine("DONE");
			assertThat(survivor.awaitExit()).isZero();
			Timestamp woken = CrashRecoveryTests.jdbc(database,
					(jdbc) -> jdbc.queryForObject("SELECT now()", Timestamp.class));
			owner.signal("CONT");
			// give the woken instance time for its queued executions, its in-flight steps
			// and
			// a lease renewal; none of them may start a body
			Thread.sleep(3000);
			CrashRecoveryTests.jdbc(database, (jdbc) -> {
				assertThat(jdbc.queryForList("SELECT status FROM guarded_agents.guarded_run", String.class))
					.hasSize(RUNS)
					.containsOnly("SUCCEEDED");
				// a body that passed its ownership check just before the freeze counts
				// itself
				// when it thaws; none may start after that (without the check, the runs
				// queued
				// on the frozen instance start theirs)
				assertThat(jdbc.queryForList(
						"SELECT step_key FROM paused_execution WHERE instance = 'paused-a' AND started_at > ?",
						String.class, woken))
					.as("bodies the paused owner started after it woke up, beyond those in flight")
					.hasSizeLessThanOrEqualTo(2)
					.allSatisfy((key) -> assertThat(jdbc.queryForObject(
							"SELECT COUNT(*) FROM paused_execution WHERE step_key = ? AND instance = 'paused-a' "
									+ "AND started_at <= ?",
							Integer.class, key, woken))
						.isZero());
				List<Map<String, Object>> twice = jdbc.queryForList(
						"SELECT step_key, COUNT(*) AS n FROM paused_execution GROUP BY step_key HAVING COUNT(*) > 1");
				assertThat(twice).as("bodies run twice: only those in flight at the pause").hasSizeLessThanOrEqualTo(2);
				assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT step_key) FROM paused_execution", Integer.class))
					.isEqualTo(RUNS * PausedOwnerApplication.STEPS);
				return null;
			});
		}
		finally {
			owner.kill();
		}
	}

	private static List<String> settings(String instance, String poolSize) {
		return List.of("--guarded-agents.instance-id=" + instance, "--guarded-agents.executor.pool-size=" + poolSize,
				"--guarded-agents.recovery.lease-duration=3s", "--guarded-agents.recovery.renew-interval=1s",
				"--guarded-agents.recovery.scan-interval=500ms");
	}

}
