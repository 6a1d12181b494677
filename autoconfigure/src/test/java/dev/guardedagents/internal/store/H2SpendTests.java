package dev.guardedagents.internal.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The spend of model calls on H2.
 */
class H2SpendTests extends SpendTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource("jdbc:h2:mem:spend-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
	}

}
