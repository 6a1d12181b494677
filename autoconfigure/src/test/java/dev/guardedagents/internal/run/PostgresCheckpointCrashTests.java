package dev.guardedagents.internal.run;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Checkpoints across killed JVMs on the real PostgreSQL.
 */
@PostgresTest
class PostgresCheckpointCrashTests extends CheckpointCrashTests {

	@Override
	String[] database() {
		return new String[] { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
	}

}
