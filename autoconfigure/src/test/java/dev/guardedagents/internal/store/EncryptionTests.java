package dev.guardedagents.internal.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.Reviewer;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Encryption of the journal's payloads at rest: what is written is ciphertext, what is
 * read is the payload; rows written in clear before still read; a key rotation with
 * re-encryption; a missing or wrong key is named. Run on H2 and on PostgreSQL.
 */
abstract class EncryptionTests {

	private static final byte[] OLD_KEY = Base64.getDecoder().decode("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=");

	private static final byte[] NEW_KEY = Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

	private static final String SECRET = "ann@example.com";

	private DataSource dataSource;

	private String schema;

	private JdbcTemplate jdbc;

	abstract DataSource dataSource();

	@BeforeEach
	void createSchema() {
		this.dataSource = dataSource();
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(this.dataSource,
				"guarded_agents", null);
		initializer.afterPropertiesSet();
		this.schema = initializer.getSchema();
		this.jdbc = new JdbcTemplate(this.dataSource);
	}

	@AfterEach
	void close() throws Exception {
		if (this.dataSource instanceof AutoCloseable pool) {
			pool.close();
		}
	}

	@Test
	void everyPayloadIsWrittenEncryptedAndReadInClear() {
		Journal journal = journal(new PayloadCipher(Map.of("k1", OLD_KEY), "k1"));
		String runId = journal.writeEverything();

		assertThat(journal.runs.findRun(runId).orElseThrow().arguments()).isEqualTo("[\"" + SECRET + "\"]");
		assertThat(journal.runs.findRun(runId).orElseThrow().result()).isEqualTo("\"sent to " + SECRET + "\"");
		StepRow step = journal.runs.steps(runId).get(0);
		assertThat(step.input()).isEqualTo("[\"" + SECRET + "\"]");
		assertThat(step.output()).isEqualTo("\"mailed " + SECRET + "\"");
		ReviewRow review = journal.reviews.ofRun(runId).get(0);
		assertThat(review.summary()).isEqualTo("Mail " + SECRET + "?");
		assertThat(review.payload()).isEqualTo("{\"to\":\"" + SECRET + "\"}");
		assertThat(review.comment()).isEqualTo("ok for " + SECRET);
		assertThat(review.edits()).isEqualTo("{\"to\":\"bob-" + SECRET + "\"}");
		assertThat(journal.reviews.decisions(runId).get(0).edits()).isEqualTo("{\"to\":\"bob-" + SECRET + "\"}");
		assertThat(journal.keys.find("mail", runId).orElseThrow().output()).isEqualTo("\"mailed " + SECRET + "\"");
		assertThat(journal.runs.messages(runId).get(0).payload()).isEqualTo("\"call " + SECRET + "\"");
		assertThat(journal.runs.receive(runId, 3, "note", 3)).isEqualTo("\"call " + SECRET + "\"");

		List<String> stored = storedPayloads();
		assertThat(stored).hasSize(13).allSatisfy((value) -> {
			assertThat(value).startsWith("ga:enc:v1:k1:");
			assertThat(value).doesNotContain("ann").doesNotContain("example");
		});
	}

	@Test
	void rowsWrittenInClearStillReadAndAKeyRotationReencryptsEveryRow() {
		String clear = journal(PayloadCipher.NONE).writeEverything();
		String old = journal(new PayloadCipher(Map.of("k1", OLD_KEY), "k1")).writeEverything();
		PayloadCipher rotated = new PayloadCipher(Map.of("k1", OLD_KEY, "k2", NEW_KEY), "k2");
		Journal journal = journal(rotated);
		assertThat(journal.runs.steps(clear).get(0).input()).isEqualTo("[\"" + SECRET + "\"]");
		assertThat(journal.runs.steps(old).get(0).input()).isEqualTo("[\"" + SECRET + "\"]");

		JournalReencryption reencryption = new JournalReencryption(this.dataSource, this.schema, rotated);
		assertThat(reencryption.activeKey()).isEqualTo("k2");
		assertThat(reencryption.reencrypt()).isEqualTo(26);
		assertThat(storedPayloads()).hasSize(26).allSatisfy((value) -> assertThat(value).startsWith("ga:enc:v1:k2:"));
		assertThat(reencryption.reencrypt()).as("nothing left").isZero();

		// the old key can go
		Journal withNewKeyOnly = journal(new PayloadCipher(Map.of("k2", NEW_KEY), "k2"));
		for (String runId : List.of(clear, old)) {
			assertThat(withNewKeyOnly.runs.findRun(runId).orElseThrow().arguments()).isEqualTo("[\"" + SECRET + "\"]");
			assertThat(withNewKeyOnly.reviews.ofRun(runId).get(0).payload()).isEqualTo("{\"to\":\"" + SECRET + "\"}");
		}

		// and encryption can be turned off: 'none' decrypts every row
		PayloadCipher readOnly = new PayloadCipher(Map.of("k2", NEW_KEY), null);
		assertThat(new JournalReencryption(this.dataSource, this.schema, readOnly).reencrypt()).isEqualTo(26);
		assertThat(storedPayloads()).noneMatch((value) -> value.startsWith("ga:enc:"));
	}

	@Test
	void aRowEncryptedWithAKeyThatIsNotConfiguredOrWithAnotherKeyIsNamed() {
		String runId = journal(new PayloadCipher(Map.of("k1", OLD_KEY), "k1")).writeEverything();
		assertThatIllegalStateException()
			.isThrownBy(() -> journal(new PayloadCipher(Map.of("k2", NEW_KEY), "k2")).runs.steps(runId))
			.withMessageContaining("encrypted with key 'k1', which guarded-agents.journal.encryption.keys does not "
					+ "have (it has [k2])");
		assertThatIllegalStateException()
			.isThrownBy(() -> journal(new PayloadCipher(Map.of("k1", NEW_KEY), "k1")).runs.steps(runId))
			.withMessageContaining("encrypted with key 'k1' does not decrypt");
		String sealed = this.jdbc.queryForObject("SELECT input FROM " + this.schema + ".guarded_step WHERE run_id = ?",
				String.class, runId);
		String altered = sealed.substring(0, sealed.length() - 6) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA")
				+ sealed.substring(sealed.length() - 2);
		this.jdbc.update("UPDATE " + this.schema + ".guarded_step SET input = ? WHERE run_id = ?", altered, runId);
		assertThatIllegalStateException()
			.isThrownBy(() -> journal(new PayloadCipher(Map.of("k1", OLD_KEY), "k1")).runs.steps(runId))
			.withMessageContaining("it was altered");
	}

	private List<String> storedPayloads() {
		return this.jdbc.queryForList("SELECT arguments FROM " + this.schema + ".guarded_run UNION ALL "
				+ "SELECT result FROM " + this.schema + ".guarded_run WHERE result IS NOT NULL UNION ALL "
				+ "SELECT input FROM " + this.schema + ".guarded_step UNION ALL " + "SELECT output FROM " + this.schema
				+ ".guarded_step UNION ALL " + "SELECT summary FROM " + this.schema + ".guarded_review UNION ALL "
				+ "SELECT payload FROM " + this.schema + ".guarded_review UNION ALL " + "SELECT review_comment FROM "
				+ this.schema + ".guarded_review UNION ALL " + "SELECT edits FROM " + this.schema
				+ ".guarded_review UNION ALL " + "SELECT review_comment FROM " + this.schema
				+ ".guarded_review_decision UNION ALL " + "SELECT edits FROM " + this.schema
				+ ".guarded_review_decision UNION ALL " + "SELECT output FROM " + this.schema
				+ ".guarded_idempotency UNION ALL " + "SELECT payload FROM " + this.schema
				+ ".guarded_run_message UNION ALL " + "SELECT attempt_errors FROM " + this.schema
				+ ".guarded_step WHERE attempt_errors IS NOT NULL", String.class);
	}

	private Journal journal(PayloadCipher cipher) {
		return new Journal(new JdbcRunStore(this.dataSource, this.schema, null, null, cipher),
				new JdbcReviewStore(this.dataSource, this.schema, cipher),
				new JdbcIdempotencyStore(this.dataSource, this.schema, cipher), this.jdbc, this.schema);
	}

	/**
	 * The three stores over one cipher, and a run that writes a value in every payload
	 * column.
	 */
	private record Journal(JdbcRunStore runs, JdbcReviewStore reviews, JdbcIdempotencyStore keys, JdbcTemplate jdbc,
			String schema) {

		String writeEverything() {
			String id = UUID.randomUUID().toString();
			Instant now = Instant.now();
			assertThat(this.runs.insertRun(new NewRun(id, "mailer", "1", "[\"" + SECRET + "\"]", null, null, "here",
					now, now.plusSeconds(60))))
				.isTrue();
			assertThat(this.runs.insertStep(id, 1,
					NewStep
						.succeeded(1, StepKind.TOOL, "mail", id + "/1", now, Duration.ofMillis(1),
								"[\"" + SECRET + "\"]", "\"mailed " + SECRET + "\"")
						.withAttempts(2)
						.withGuard(false, "[{\"error\":\"bounced " + SECRET + "\"}]")))
				.isTrue();
			this.keys.claim("mail", id, id, "f", now);
			assertThat(this.runs.send(id, "note", "n-1", "\"call " + SECRET + "\"", "ops", now).result())
				.isEqualTo(JdbcRunStore.Sent.Result.SENT);
			this.keys.complete("mail", id, id, "\"mailed " + SECRET + "\"", now);
			assertThat(this.reviews
				.openAndPark(new NewReview(UUID.randomUUID().toString(), id, 2, 1, ReviewKind.CHECKPOINT, "mail",
						List.of("user:ann"), "Mail " + SECRET + "?", "{\"to\":\"" + SECRET + "\"}",
						TimeoutOutcome.REJECT, now.plus(Duration.ofDays(1)), 1, List.of("to"), List.of(), null, now),
						1))
				.isTrue();
			String reviewId = this.reviews.ofRun(id).get(0).id();
			assertThat(this.reviews
				.decide(reviewId, Reviewer.of("ann"), Set.of("user:ann"), ReviewDecision.Decision.APPROVE,
						"ok for " + SECRET, "{\"to\":\"bob-" + SECRET + "\"}", now)
				.result()).isEqualTo(JdbcReviewStore.Result.DECIDED);
			this.jdbc.update("UPDATE " + this.schema + ".guarded_run SET owner_id = 'here', owner_epoch = 3, "
					+ "lease_until = ? WHERE id = ?", java.sql.Timestamp.from(now.plusSeconds(60)), id);
			assertThat(this.runs.finish(id, 3, RunStatus.SUCCEEDED, "\"sent to " + SECRET + "\"", null, null, 2, now))
				.isTrue();
			return id;
		}

	}

}
