package dev.guardedagents.internal.run;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Sleeping runs on the real PostgreSQL.
 */
@PostgresTest
class PostgresSleepTests extends SleepTests {

	@Override
	String[] database() {
		return new String[] { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
	}

}
