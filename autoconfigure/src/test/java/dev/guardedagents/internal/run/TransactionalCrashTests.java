package dev.guardedagents.internal.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM again and again around the commits of transactional steps, whose
 * write to an application table and journal row share one transaction: in the end the
 * table holds exactly one row per journaled step. Run on H2 and on PostgreSQL by the
 * subclasses.
 */
abstract class TransactionalCrashTests {

	private static final int[] KILL_AFTER_WRITES = { 5, 8, 6, 7 };

	@TempDir
	Path directory;

	/**
	 * Returns the JDBC URL, user and password of a new, empty database.
	 */
	abstract String[] database();

	@Test
	void transactionalStepsWriteExactlyOnceAcrossRepeatedKills() throws Exception {
		String[] database = database();
		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			jdbc.execute("CREATE TABLE tx_effect (step_key VARCHAR(100) NOT NULL, seq INT NOT NULL)");
			return null;
		});
		for (int cycle = 0; cycle < KILL_AFTER_WRITES.length; cycle++) {
			ChildJvm child = new ChildJvm(TransactionalCrashApplication.class, this.directory, database,
					"--tx.start=" + (cycle == 0));
			for (int write = 0; write < KILL_AFTER_WRITES[cycle]; write++) {
				child.awaitLine("WROTE ");
			}
			child.kill();
		}
		ChildJvm finishing = new ChildJvm(TransactionalCrashApplication.class, this.directory, database);
		finishing.awaitLine("DONE");
		assertThat(finishing.awaitExit()).isZero();

		CrashRecoveryTests.jdbc(database, (jdbc) -> {
			List<Map<String, Object>> runs = jdbc.queryForList("SELECT status, result FROM guarded_agents.guarded_run");
			assertThat(runs).hasSize(3).allSatisfy((run) -> {
				assertThat(run.get("status")).isEqualTo("SUCCEEDED");
				assertThat(run.get("result")).isEqualTo("78");
			});
			List<String> journal = jdbc.queryForList(
					"SELECT idempotency_key FROM guarded_agents.guarded_step ORDER BY " + "idempotency_key",
					String.class);
			List<String> effects = jdbc.queryForList("SELECT step_key FROM tx_effect ORDER BY step_key", String.class);
			assertThat(journal).hasSize(3 * TransactionalCrashApplication.STEPS);
			assertThat(effects).as("one write per journaled step, none of the killed attempts").isEqualTo(journal);
			return null;
		});
	}

}
