package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances share one PostgreSQL, each running runs of its own; one is killed
 * ({@code SIGKILL}) in the middle: the two survivors claim its runs within a lease and a
 * scan (in batches that skip the rows the other survivor is claiming), every run
 * succeeds, and no step body runs twice except those the killed instance had in flight.
 */
@PostgresTest
class ThreeInstancesTests {

	private static final int RUNS_EACH = 8;

	private static final int POOL_SIZE = 3;

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final Duration SCAN = Duration.ofMillis(500);

	@TempDir
	Path directory;

	@Test
	void theSurvivorsFinishTheRunsOfAKilledInstanceWithinALeaseAndAScan() throws Exception {
		String[] database = PausedOwnerApplication.database();
		List<ChildJvm> instances = new ArrayList<>();
		try {
			for (String id : List.of("three-a", "three-b", "three-c")) {
				instances.add(new ChildJvm(PausedOwnerApplication.class, this.directory, database, settings(id),
						"--paused.start=" + RUNS_EACH));
			}
			ChildJvm victim = instances.get(0);
			for (int i = 0; i < 2 * POOL_SIZE; i++) {
				victim.awaitLine("STEP ");
			}
			victim.kill();
			long killed = System.nanoTime();
			await().atMost(LEASE.plus(SCAN).plusSeconds(3))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> CrashRecoveryTests
					.jdbc(database,
							(jdbc) -> jdbc.queryForObject(
									"SELECT COUNT(*) FROM guarded_agents.guarded_run "
											+ "WHERE status = 'RUNNING' AND owner_id = 'three-a'",
									Integer.class)) == 0);
			Duration takeOver = Duration.ofNanos(System.nanoTime() - killed);
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> CrashRecoveryTests.jdbc(database,
						(jdbc) -> jdbc.queryForObject(
								"SELECT COUNT(*) FROM guarded_agents.guarded_run WHERE status = 'SUCCEEDED'",
								Integer.class)) == 3 * RUNS_EACH);
			CrashRecoveryTests.jdbc(database, (jdbc) -> {
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM guarded_agents.guarded_run", Integer.class))
					.isEqualTo(3 * RUNS_EACH);
				assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT step_key) FROM paused_execution", Integer.class))
					.isEqualTo(3 * RUNS_EACH * PausedOwnerApplication.STEPS);
				List<Map<String, Object>> twice = jdbc.queryForList(
						"SELECT step_key, COUNT(*) AS n, SUM(CASE WHEN instance = 'three-a' THEN 1 ELSE 0 END) AS a "
								+ "FROM paused_execution GROUP BY step_key HAVING COUNT(*) > 1");
				assertThat(twice).as("bodies run twice: only those the killed instance had in flight")
					.hasSizeLessThanOrEqualTo(POOL_SIZE)
					.allSatisfy((row) -> {
						assertThat(((Number) row.get("n")).intValue()).isEqualTo(2);
						assertThat(((Number) row.get("a")).intValue()).isEqualTo(1);
					});
				assertThat(jdbc.queryForList(
						"SELECT DISTINCT instance FROM paused_execution WHERE step_key IN (SELECT step_key "
								+ "FROM paused_execution WHERE instance = 'three-a') AND instance <> 'three-a'",
						String.class))
					.as("the survivors that took over")
					.isNotEmpty();
				return null;
			});
			assertThat(takeOver).as("time from the kill until no run is owned by the killed instance")
				.isLessThan(LEASE.plus(SCAN).plusSeconds(3));
		}
		finally {
			for (ChildJvm instance : instances) {
				instance.kill();
			}
		}
	}

	private static List<String> settings(String instance) {
		return List.of("--guarded-agents.instance-id=" + instance, "--guarded-agents.executor.pool-size=" + POOL_SIZE,
				"--guarded-agents.recovery.lease-duration=" + LEASE.toMillis() + "ms",
				"--guarded-agents.recovery.renew-interval=1s",
				"--guarded-agents.recovery.scan-interval=" + SCAN.toMillis() + "ms");
	}

}
