package dev.guardedagents.internal.run;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Schedules on the real PostgreSQL.
 */
@PostgresTest
class PostgresScheduleTests extends ScheduleTests {

	@Override
	String[] database() {
		return new String[] { PostgresDatabase.create(), PostgresDatabase.user(), PostgresDatabase.password() };
	}

}
