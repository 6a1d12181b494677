package dev.guardedagents.internal.run;

import java.util.List;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * The journal at rest on PostgreSQL.
 */
@PostgresTest
class PostgresJournalAtRestTests extends JournalAtRestTests {

	@Override
	List<String> database() {
		return List.of("--spring.datasource.url=" + PostgresDatabase.create(),
				"--spring.datasource.username=" + PostgresDatabase.user(),
				"--spring.datasource.password=" + PostgresDatabase.password());
	}

}
