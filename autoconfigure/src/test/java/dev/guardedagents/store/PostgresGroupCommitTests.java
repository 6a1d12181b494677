package dev.guardedagents.store;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

/**
 * Group commit on PostgreSQL, where a batch is sent in one round trip and a position
 * already recorded is skipped rather than failing the transaction.
 */
@PostgresTest
class PostgresGroupCommitTests extends GroupCommitTests {

	private String url;

	@Override
	String url() {
		if (this.url == null) {
			this.url = PostgresDatabase.create();
		}
		return this.url;
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
