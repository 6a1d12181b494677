package dev.guardedagents.internal.run;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Child runs killed with their JVM, on the real PostgreSQL.
 */
@PostgresTest
class PostgresChildRunCrashTests extends ChildRunCrashTests {

	@Override
	String[] database() {
		return new String[] { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
	}

}
