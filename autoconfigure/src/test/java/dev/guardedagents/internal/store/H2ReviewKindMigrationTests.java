package dev.guardedagents.internal.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migration of review kinds on H2.
 */
class H2ReviewKindMigrationTests extends ReviewKindMigrationTests {

	private final DataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");

	@Override
	DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	String vendor() {
		return "h2";
	}

	@Override
	String schema() {
		return "GUARDED_AGENTS";
	}

}
