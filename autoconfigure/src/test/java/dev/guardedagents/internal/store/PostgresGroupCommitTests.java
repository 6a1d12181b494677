package dev.guardedagents.internal.store;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Group commit on PostgreSQL, where a batch is sent in one round trip and a position
 * already recorded is skipped rather than failing the transaction.
 */
@PostgresTest
class PostgresGroupCommitTests extends GroupCommitTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource(PostgresDatabase.create(), PostgresDatabase.user(),
				PostgresDatabase.password());
	}

}
