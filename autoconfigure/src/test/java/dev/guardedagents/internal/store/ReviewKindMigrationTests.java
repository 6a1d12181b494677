package dev.guardedagents.internal.store;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reviews written before reviews knew their kind are classified once, by the payload
 * their kind always wrote, when the journal migrates.
 */
abstract class ReviewKindMigrationTests {

	abstract DataSource dataSource();

	abstract String vendor();

	abstract String schema();

	@Test
	void reviewsOfEarlierVersionsAreClassifiedByTheirPayload() {
		DataSource dataSource = dataSource();
		Flyway.configure(getClass().getClassLoader())
			.dataSource(dataSource)
			.table("guarded_schema_history")
			.locations("classpath:dev/guardedagents/store/migration/" + vendor())
			.schemas(schema())
			.defaultSchema(schema())
			.createSchemas(true)
			.target("6")
			.load()
			.migrate();
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Map<String, String> payloads = new LinkedHashMap<>();
		payloads.put("send-offer", "{\"offer\":{\"amount\":900}}");
		payloads.put("named-policy", "{\"policy\":\"standard\",\"resultType\":\"x\"}");
		payloads.put("lookup", "{\"arguments\":{\"key\":\"a\"},\"resultType\":\"int\",\"error\":\"down\"}");
		payloads.put("budget", "{\"budgetProfile\":\"tight\",\"cap\":\"maxToolCalls\"}");
		payloads.put("policy", "{\"policy\":\"secrets\",\"step\":\"echo\"}");
		payloads.put("compensation", "{\"compensation\":\"unbook\",\"tool\":\"book\"}");
		int seq = 0;
		for (Map.Entry<String, String> review : payloads.entrySet()) {
			seq++;
			jdbc.update("INSERT INTO " + schema() + ".guarded_review (id, run_id, seq, round, checkpoint, status, "
					+ "payload, on_timeout, created_at) VALUES (?, 'run-1', ?, 1, ?, 'PENDING', ?, 'REJECT', "
					+ "CURRENT_TIMESTAMP)", review.getKey(), seq, review.getKey(), review.getValue());
		}

		new GuardedAgentsSchemaInitializer(dataSource, schema()).afterPropertiesSet();

		Map<String, String> kinds = new LinkedHashMap<>();
		jdbc.query("SELECT id, kind, required_approvals, approvals FROM " + schema() + ".guarded_review ORDER BY seq",
				(row) -> {
					kinds.put(row.getString("id"), row.getString("kind"));
					assertThat(row.getInt("required_approvals")).isEqualTo(1);
					assertThat(row.getInt("approvals")).isZero();
				});
		assertThat(kinds).containsExactly(Map.entry("send-offer", "CHECKPOINT"),
				Map.entry("named-policy", "CHECKPOINT"), Map.entry("lookup", "TOOL_FAILURE"),
				Map.entry("budget", "BUDGET"), Map.entry("policy", "POLICY"),
				Map.entry("compensation", "COMPENSATION"));
	}

}
