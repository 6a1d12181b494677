package dev.guardedagents.internal.store;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Plan slots on PostgreSQL.
 */
@PostgresTest
class PostgresPlanSlotTests extends PlanSlotTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource(PostgresDatabase.create(), PostgresDatabase.user(),
				PostgresDatabase.password());
	}

}
