package dev.guardedagents.internal.store;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Child runs in the store on PostgreSQL.
 */
@PostgresTest
class PostgresChildRunStoreTests extends ChildRunStoreTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource(PostgresDatabase.create(), PostgresDatabase.user(),
				PostgresDatabase.password());
	}

}
