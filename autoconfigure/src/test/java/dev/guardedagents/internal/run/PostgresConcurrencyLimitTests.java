package dev.guardedagents.internal.run;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Limits of runs at once on the real PostgreSQL.
 */
@PostgresTest
class PostgresConcurrencyLimitTests extends ConcurrencyLimitTests {

	@Override
	String[] database() {
		return new String[] { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
	}

}
