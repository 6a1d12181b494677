package dev.guardedagents.internal.retention;

import javax.sql.DataSource;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Retention on PostgreSQL, where instances pruning at once skip each other's rows.
 */
@PostgresTest
class PostgresRetentionTests extends RetentionTests {

	@Override
	DataSource dataSource() {
		// pooled: a connection per statement would cost more than the statements
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(PostgresDatabase.create());
		pool.setUsername(PostgresDatabase.user());
		pool.setPassword(PostgresDatabase.password());
		pool.setMaximumPoolSize(4);
		return pool;
	}

}
