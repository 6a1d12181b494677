package dev.guardedagents.internal.store;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The spend of model calls on PostgreSQL.
 */
@PostgresTest
class PostgresSpendTests extends SpendTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource(PostgresDatabase.create(), PostgresDatabase.user(),
				PostgresDatabase.password());
	}

}
