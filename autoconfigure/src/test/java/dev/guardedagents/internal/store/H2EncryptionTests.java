package dev.guardedagents.internal.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Encryption at rest on H2.
 */
class H2EncryptionTests extends EncryptionTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource("jdbc:h2:mem:encryption-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa",
				"");
	}

}
