package dev.guardedagents.internal.run;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Messages to runs on the real PostgreSQL.
 */
@PostgresTest
class PostgresMessageTests extends MessageTests {

	@Override
	String[] database() {
		return new String[] { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
	}

}
