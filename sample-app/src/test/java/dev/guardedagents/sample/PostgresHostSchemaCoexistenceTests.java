package dev.guardedagents.sample;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * The run journal beside the host's Flyway, JPA and {@code ddl-auto=create} on the real
 * PostgreSQL.
 */
@PostgresTest
class PostgresHostSchemaCoexistenceTests extends HostSchemaCoexistenceTests {

	@Override
	String database(String name) {
		return PostgresDatabase.create();
	}

	@Override
	String user() {
		return PostgresDatabase.user();
	}

	@Override
	String password() {
		return PostgresDatabase.password();
	}

}
