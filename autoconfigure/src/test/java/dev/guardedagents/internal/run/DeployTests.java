package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.util.List;

import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deploy: an instance stopped with {@code SIGTERM} in the middle of its runs lets the
 * runs it executes finish within the grace period and hands the rest over in one
 * statement; a second instance resumes them at once, not after their leases (a minute
 * here), no step body runs twice and no run counts a recovery.
 */
@PostgresTest
class DeployTests {

	private static final int RUNS = 8;

	@TempDir
	Path directory;

	@Test
	void aStoppedInstanceHandsItsRunsOverAtOnce() throws Exception {
		String[] database = PausedOwnerApplication.database();
		ChildJvm old = new ChildJvm(PausedOwnerApplication.class, this.directory, database, settings("deploy-old"),
				"--paused.start=" + RUNS);
		ChildJvm replacement = null;
		try {
			for (int i = 0; i < 4; i++) {
				old.awaitLine("STEP ");
			}
			replacement = new ChildJvm(PausedOwnerApplication.class, this.directory, database, settings("deploy-new"));
			long stopped = System.nanoTime();
			old.signal("TERM");
			old.awaitExit();
			assertThat(String.join("\n", old.output())).doesNotContain("Failed to stop bean").doesNotContain("ERROR");
			replacement.awaitLine("DONE");
			double seconds = (System.nanoTime() - stopped) / 1e9;
			assertThat(seconds).as("seconds from the stop until every run finished, against leases of 60")
				.isLessThan(30);
			CrashRecoveryTests.jdbc(database, (jdbc) -> {
				assertThat(jdbc.queryForList("SELECT status FROM guarded_agents.guarded_run", String.class))
					.hasSize(RUNS)
					.containsOnly("SUCCEEDED");
				assertThat(jdbc.queryForObject("SELECT MAX(recoveries) FROM guarded_agents.guarded_run", Integer.class))
					.isZero();
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM paused_execution", Integer.class))
					.as("step bodies executed")
					.isEqualTo(RUNS * PausedOwnerApplication.STEPS);
				assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT instance) FROM paused_execution", Integer.class))
					.as("both instances ran steps")
					.isEqualTo(2);
				return null;
			});
		}
		finally {
			old.kill();
			if (replacement != null) {
				replacement.kill();
			}
		}
	}

	private static List<String> settings(String instance) {
		return List.of("--guarded-agents.instance-id=" + instance, "--guarded-agents.executor.pool-size=3",
				"--guarded-agents.executor.shutdown-grace-period=10s", "--guarded-agents.recovery.lease-duration=60s",
				"--guarded-agents.recovery.renew-interval=20s", "--guarded-agents.recovery.scan-interval=500ms");
	}

}
