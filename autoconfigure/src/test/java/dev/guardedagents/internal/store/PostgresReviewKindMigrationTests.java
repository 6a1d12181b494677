package dev.guardedagents.internal.store;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migration of review kinds on PostgreSQL.
 */
@PostgresTest
class PostgresReviewKindMigrationTests extends ReviewKindMigrationTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource(PostgresDatabase.create(), PostgresDatabase.user(),
				PostgresDatabase.password());
	}

	@Override
	String vendor() {
		return "postgresql";
	}

	@Override
	String schema() {
		return "guarded_agents";
	}

}
