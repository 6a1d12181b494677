package dev.guardedagents.internal.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine suite on the real PostgreSQL, and what only PostgreSQL does: claims skip
 * rows that another transaction holds locked.
 */
@PostgresTest
class PostgresRunEngineTests extends RunEngineTests {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresDatabase.register(registry);
	}

	@Test
	void aClaimThatSkippedALockedRunLooksAgainSoon() throws Exception {
		String id = crashedRun("three-steps", "1", "[\"z\"]");
		try (Connection c = this.dataSource.getConnection()) {
			c.setAutoCommit(false);
			try (PreparedStatement ps = c
				.prepareStatement("SELECT id FROM guarded_agents.guarded_run WHERE id = ? FOR UPDATE")) {
				ps.setString(1, id);
				try (ResultSet rs = ps.executeQuery()) {
					assertThat(rs.next()).isTrue();
				}
			}
			// a decision or another instance's claim holds the row: skipped, not waited
			// for
			assertThat(this.recovery.recover()).isZero();
			c.commit();
		}
		// not at the next scan (an hour here): the skip scheduled a look soon after
		assertThat(handle(id).await(Duration.ofSeconds(20))).isNotNull();
	}

}
