package dev.guardedagents.internal.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Child runs in the store on H2.
 */
class H2ChildRunStoreTests extends ChildRunStoreTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource("jdbc:h2:mem:children-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa",
				"");
	}

}
