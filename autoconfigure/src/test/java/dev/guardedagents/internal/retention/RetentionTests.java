package dev.guardedagents.internal.retention;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import dev.guardedagents.ModelUsage;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.Reviewer;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.internal.store.Cancellation;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcPromptStore;
import dev.guardedagents.internal.store.JdbcReviewStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewReview;
import dev.guardedagents.internal.store.NewRun;
import dev.guardedagents.internal.store.NewStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention on a real database: finished runs past their retention are pruned with every
 * row of them, runs inside it and runs that have not finished are never touched, and
 * instances pruning at once delete each row once without failing. Run on H2 and on
 * PostgreSQL by the subclasses.
 */
abstract class RetentionTests {

	private static final Instant NOW = Instant.now();

	private static final Instant LONG_AGO = NOW.minus(Duration.ofDays(40));

	private static final Instant RECENTLY = NOW.minus(Duration.ofDays(2));

	private JdbcRunStore runs;

	private JdbcReviewStore reviews;

	private JdbcIdempotencyStore keys;

	private JdbcTemplate jdbc;

	private String schema;

	private final List<ExecutorService> executors = new ArrayList<>();

	private DataSource dataSource;

	abstract DataSource dataSource();

	@BeforeEach
	void createStores() {
		DataSource dataSource = dataSource();
		this.dataSource = dataSource;
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents",
				null);
		initializer.afterPropertiesSet();
		this.schema = initializer.getSchema();
		this.runs = new JdbcRunStore(dataSource, this.schema);
		this.reviews = new JdbcReviewStore(dataSource, this.schema);
		this.keys = new JdbcIdempotencyStore(dataSource, this.schema);
		this.jdbc = new JdbcTemplate(dataSource);
	}

	@AfterEach
	void stopThreads() throws Exception {
		this.executors.forEach(ExecutorService::shutdownNow);
		if (this.dataSource instanceof AutoCloseable pool) {
			pool.close();
		}
	}

	@Test
	void runsPastTheirRetentionArePrunedWithEveryRowAndNothingElseIsTouched() {
		String oldSucceeded = finished(RunStatus.SUCCEEDED, LONG_AGO);
		String newSucceeded = finished(RunStatus.SUCCEEDED, RECENTLY);
		String oldFailed = finished(RunStatus.FAILED, LONG_AGO);
		String oldCancelled = finished(RunStatus.CANCELLED, LONG_AGO);
		String waiting = waiting(LONG_AGO);
		String running = running(LONG_AGO);
		this.keys.claim("refund", "kept-key-" + UUID.randomUUID(), oldSucceeded, "f", LONG_AGO);
		this.jdbc.update("INSERT INTO " + this.schema + ".guarded_run_action (run_id, action, actor, acted_at, detail) "
				+ "VALUES (?, 'RETRY', 'ops', ?, 'retried')", oldSucceeded, Timestamp.from(LONG_AGO));
		Map<String, Map<String, Integer>> before = new LinkedHashMap<>();
		for (String run : List.of(oldSucceeded, newSucceeded, oldFailed, oldCancelled, waiting, running)) {
			before.put(run, rows(run));
		}
		assertThat(before.get(oldSucceeded)).allSatisfy((table, count) -> assertThat(count).as(table).isPositive());

		JournalPruner pruner = pruner(Map.of(RunStatus.SUCCEEDED, Duration.ofDays(30), RunStatus.FAILED,
				Duration.ofDays(90), RunStatus.CANCELLED, Duration.ofDays(30)), null, 2);
		long pruned = pruner.prune();

		assertThat(rows(oldSucceeded)).as("pruned with its steps, review and decision")
			.containsEntry("guarded_run", 0)
			.containsEntry("guarded_step", 0)
			.containsEntry("guarded_review", 0)
			.containsEntry("guarded_review_decision", 0)
			.containsEntry("guarded_run_message", 0)
			.as("its idempotency key has a retention of its own")
			.containsEntry("guarded_idempotency", 1);
		assertThat(rows(oldCancelled)).allSatisfy((table, count) -> assertThat(count).as(table).isZero());
		for (String kept : List.of(newSucceeded, oldFailed, waiting, running)) {
			assertThat(rows(kept)).as("run %s", kept).isEqualTo(before.get(kept));
		}
		int expected = before.get(oldSucceeded).values().stream().mapToInt(Integer::intValue).sum() - 1
				+ before.get(oldCancelled).values().stream().mapToInt(Integer::intValue).sum();
		assertThat(pruned).isEqualTo(expected);
		assertThat(pruner.runsPruned()).isEqualTo(2);
		assertThat(pruner.rowsPruned()).isEqualTo(expected);
	}

	@Test
	void idempotencyKeysArePrunedByTheirOwnRetention() {
		String oldKey = "old-" + UUID.randomUUID();
		String newKey = "new-" + UUID.randomUUID();
		String inProgress = "in-progress-" + UUID.randomUUID();
		this.keys.claim("refund", oldKey, "run-1", "f", LONG_AGO);
		this.keys.complete("refund", oldKey, "run-1", "\"done\"", LONG_AGO);
		this.keys.claim("refund", newKey, "run-2", "f", RECENTLY);
		this.keys.complete("refund", newKey, "run-2", "\"done\"", RECENTLY);
		this.keys.claim("refund", inProgress, "run-3", "f", LONG_AGO);

		JournalPruner pruner = pruner(Map.of(), Duration.ofDays(30), 100);
		pruner.prune();

		assertThat(this.keys.find("refund", oldKey)).isEmpty();
		assertThat(this.keys.find("refund", newKey)).isPresent();
		assertThat(this.keys.find("refund", inProgress)).as("a call in progress keeps its key").isPresent();
		assertThat(pruner.keysPruned()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void promptVersionsNoStepReferencesArePrunedExceptTheNewestOfEachPrompt() {
		JdbcPromptStore prompts = new JdbcPromptStore(this.dataSource, this.schema);
		prompts.register("triage", "1", "h1", "Triage {ticket}", LONG_AGO);
		prompts.register("triage", "2", "h2", "Triage {ticket}, briefly", LONG_AGO.plusSeconds(1));
		prompts.register("triage", "3", "h3", "Triage {ticket} in one line", RECENTLY);
		prompts.register("reply", "1", "r1", "Reply to {ticket}", LONG_AGO);
		String running = running(LONG_AGO);
		assertThat(this.runs.insertStep(running, 1,
				NewStep.succeeded(2, StepKind.LLM, "chat", running + "/2", LONG_AGO, Duration.ofMillis(1), "{}", "{}")
					.withUsage(new ModelUsage("gpt", "triage", "1", "h1", 1, 1, 0, 0, null))))
			.isTrue();

		pruner(Map.of(RunStatus.SUCCEEDED, Duration.ofDays(30)), null, 10).prune();

		assertThat(this.jdbc.queryForList(
				"SELECT name || ':' || version FROM " + this.schema + ".guarded_prompt ORDER BY name, version",
				String.class))
			.as("v1 is referenced by a step, v3 and reply:1 are the newest of their prompt")
			.containsExactly("reply:1", "triage:1", "triage:3");
	}

	@Test
	void twoInstancesPruningAtOnceDeleteEachRowOnceAndNeverFail() throws Exception {
		List<String> old = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			old.add(finished(RunStatus.SUCCEEDED, LONG_AGO.minusSeconds(i)));
		}
		int rows = old.stream().mapToInt((run) -> rows(run).values().stream().mapToInt(Integer::intValue).sum()).sum();
		Map<RunStatus, Duration> retention = Map.of(RunStatus.SUCCEEDED, Duration.ofDays(30));
		ExecutorService threads = Executors.newFixedThreadPool(2);
		this.executors.add(threads);
		List<Callable<Long>> instances = List.of(() -> pruner(retention, null, 5).prune(),
				() -> pruner(retention, null, 5).prune());
		long deleted = 0;
		for (Future<Long> instance : threads.invokeAll(instances)) {
			deleted += instance.get();
		}
		for (String run : old) {
			assertThat(rows(run)).as("run %s", run).containsEntry("guarded_run", 0).containsEntry("guarded_step", 0);
		}
		assertThat(deleted).as("each row deleted once").isEqualTo(rows);
	}

	private JournalPruner pruner(Map<RunStatus, Duration> retention, Duration keyRetention, int batchSize) {
		return new JournalPruner(this.runs, this.keys, retention, keyRetention, Duration.ofHours(1), batchSize,
				Clock.systemUTC());
	}

	/**
	 * Records a run with two steps and a decided review that ended with a status at a
	 * time.
	 */
	private String finished(RunStatus status, Instant at) {
		String id = UUID.randomUUID().toString();
		this.runs.insertRun(new NewRun(id, "retained", "1", "[]", null, null, "here", at, at.plusSeconds(60)));
		step(id, 1, at);
		park(id, 2, 1, at);
		assertThat(this.reviews
			.decide(reviewOf(id), Reviewer.of("ann"), Set.of("user:ann"), ReviewDecision.Decision.APPROVE, null, null,
					at)
			.result()).isEqualTo(JdbcReviewStore.Result.DECIDED);
		// claimed back by its owner, as recovery does after a decision
		this.jdbc.update("UPDATE " + this.schema + ".guarded_run SET owner_id = 'here', owner_epoch = 3, "
				+ "lease_until = ? WHERE id = ?", java.sql.Timestamp.from(at.plusSeconds(60)), id);
		step(id, 2, at);
		if (status == RunStatus.CANCELLED) {
			assertThat(
					this.runs.cancel(id, at, Set.of(), "here", at.plusSeconds(60), at.plusSeconds(1), "ops").result())
				.isEqualTo(Cancellation.Result.CANCELLED);
		}
		else {
			assertThat(this.runs.finish(id, 3, status, (status == RunStatus.SUCCEEDED) ? "\"ok\"" : null,
					(status == RunStatus.FAILED) ? "java.lang.IllegalStateException" : null, null, 2, at))
				.isTrue();
		}
		return id;
	}

	private String waiting(Instant at) {
		String id = UUID.randomUUID().toString();
		this.runs.insertRun(new NewRun(id, "retained", "1", "[]", null, null, "here", at, at.plusSeconds(60)));
		step(id, 1, at);
		park(id, 2, 1, at);
		return id;
	}

	private String running(Instant at) {
		String id = UUID.randomUUID().toString();
		this.runs.insertRun(new NewRun(id, "retained", "1", "[]", null, null, "here", at, at.plusSeconds(60)));
		step(id, 1, at);
		return id;
	}

	private void step(String runId, int seq, Instant at) {
		if (seq == 1) {
			// a message the run never received
			assertThat(this.runs.send(runId, "note", null, "\"hi\"", null, at).result())
				.isEqualTo(JdbcRunStore.Sent.Result.SENT);
		}
		assertThat(this.runs.insertStep(runId, (seq == 1) ? 1 : 3, NewStep.succeeded(seq, StepKind.TOOL, "refund",
				runId + "/" + seq, at, Duration.ofMillis(1), "[]", "\"ok\"")))
			.isTrue();
	}

	private void park(String runId, int seq, long epoch, Instant at) {
		assertThat(this.reviews.openAndPark(new NewReview(UUID.randomUUID().toString(), runId, seq, 1,
				ReviewKind.CHECKPOINT, "approve", List.of("user:ann"), "Approve?", "{}", TimeoutOutcome.REJECT,
				at.plus(Duration.ofDays(365)), 1, List.of(), List.of(), null, at), epoch))
			.isTrue();
	}

	private String reviewOf(String runId) {
		return this.jdbc.queryForObject("SELECT id FROM " + this.schema + ".guarded_review WHERE run_id = ?",
				String.class, runId);
	}

	/**
	 * Counts the rows of a run in every table that holds rows of runs.
	 */
	private Map<String, Integer> rows(String runId) {
		Map<String, Integer> rows = new LinkedHashMap<>();
		for (String[] table : new String[][] { { "guarded_run", "id" }, { "guarded_step", "run_id" },
				{ "guarded_review", "run_id" }, { "guarded_review_decision", "run_id" },
				{ "guarded_idempotency", "owner_id" }, { "guarded_run_action", "run_id" },
				{ "guarded_run_message", "run_id" } }) {
			rows.put(table[0],
					this.jdbc.queryForObject(
							"SELECT COUNT(*) FROM " + this.schema + "." + table[0] + " WHERE " + table[1] + " = ?",
							Integer.class, runId));
		}
		return rows;
	}

}
