package dev.guardedagents.internal.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Group commit on H2, where a failed statement leaves the rest of the transaction alone.
 */
class H2GroupCommitTests extends GroupCommitTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource("jdbc:h2:mem:group-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
	}

}
