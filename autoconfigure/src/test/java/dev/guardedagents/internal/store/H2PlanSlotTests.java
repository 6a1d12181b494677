package dev.guardedagents.internal.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Plan slots on H2.
 */
class H2PlanSlotTests extends PlanSlotTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource("jdbc:h2:mem:slots-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
	}

}
