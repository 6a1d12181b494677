package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.util.List;

import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application killed 11 times while its 20 runs execute two at a time, more often than
 * {@code max-recoveries}: runs that make progress between restarts are never failed as
 * poison runs, and runs that only waited in the queue are not counted at all. On
 * PostgreSQL.
 */
@PostgresTest
class RestartStormTests {

	private static final int RUNS = 20;

	/**
	 * More kills than {@code max-recoveries}: the default (10), and the 3 set here.
	 */
	private static final int KILLS = 11;

	@TempDir
	Path directory;

	@Test
	void runsKilledMoreOftenThanTheRecoveryLimitAllSucceed() throws Exception {
		String[] database = PausedOwnerApplication.database();
		ChildJvm app = new ChildJvm(PausedOwnerApplication.class, this.directory, database, SETTINGS,
				"--paused.start=" + RUNS);
		for (int kill = 0; kill < KILLS; kill++) {
			// three steps per executing run: each completed at least one since it was
			// resumed
			for (int i = 0; i < 6; i++) {
				app.awaitLine("STEP ");
			}
			app.kill();
			app = new ChildJvm(PausedOwnerApplication.class, this.directory, database, SETTINGS);
		}
		app.awaitLine("DONE");
		assertThat(app.awaitExit()).isZero();
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			assertThat(jdbc.queryForList("SELECT status FROM guarded_agents.guarded_run", String.class)).hasSize(RUNS)
				.containsOnly("SUCCEEDED");
			assertThat(jdbc.queryForObject("SELECT MAX(recoveries) FROM guarded_agents.guarded_run", Integer.class))
				.isZero();
			return null;
		});
	}

	private static final List<String> SETTINGS = List.of("--guarded-agents.instance-id=storm",
			"--guarded-agents.executor.pool-size=2", "--guarded-agents.recovery.max-recoveries=3",
			"--guarded-agents.recovery.lease-duration=10m", "--guarded-agents.recovery.renew-interval=1m");

}
