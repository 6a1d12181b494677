package dev.guardedagents.internal.store;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Encryption at rest on PostgreSQL.
 */
@PostgresTest
class PostgresEncryptionTests extends EncryptionTests {

	@Override
	DataSource dataSource() {
		return new DriverManagerDataSource(PostgresDatabase.create(), PostgresDatabase.user(),
				PostgresDatabase.password());
	}

}
