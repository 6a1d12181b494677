package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.IdempotencyConflictException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunNotFinishedException;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.run.EngineTestApplication.Plans;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import dev.guardedagents.internal.store.JdbcIdempotencyStore;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.NewRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Write-once tool calls across runs by idempotency key. Run on H2 and on PostgreSQL by
 * the subclasses.
 */
@EngineTest
abstract class IdempotencyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	Plans plans;

	@Autowired
	AgentRuns runs;

	@Autowired
	JdbcRunStore store;

	@Autowired
	JdbcIdempotencyStore keys;

	@Autowired
	RunRecovery recovery;

	@Autowired
	Reviews reviews;

	@Autowired
	DataSource dataSource;

	@Autowired
	GuardedAgentsSchemaInitializer schema;

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
	}

	@Test
	void sameKeyFromTwoRunsExecutesOnceAndReturnsTheSameResult() {
		String order = UUID.randomUUID().toString();
		String first = this.plans.checkout(order);
		String second = this.plans.checkout(order);
		assertThat(second).isEqualTo(first).startsWith("receipt-");
		assertThat(EngineTestApplication.calls("engine:charge")).hasSize(1);
		assertThat(this.store.list(RunStatus.SUCCEEDED, "checkout", null, 0, 10).total()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void concurrentCallsWithOneKeyExecuteTheBodyOnce() throws Exception {
		String order = UUID.randomUUID().toString();
		CountDownLatch gate = EngineTestApplication.gate("engine", "charge-" + order);
		RunHandle<String> first = this.runs.start(() -> this.plans.checkout(order));
		EngineTestApplication.awaitArrival("engine", "charge-" + order);
		RunHandle<String> second = this.runs.start(() -> this.plans.checkout(order));
		await().atMost(TIMEOUT).until(IdempotencyTests::aCallWaitsForAClaimedKey);
		gate.countDown();
		assertThat(second.await(TIMEOUT)).isEqualTo(first.await(TIMEOUT));
		assertThat(EngineTestApplication.calls("engine:charge")).hasSize(1);
	}

	private static boolean aCallWaitsForAClaimedKey() {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.anyMatch((thread) -> thread.getKey().getState() == Thread.State.TIMED_WAITING
					&& Arrays.stream(thread.getValue())
						.anyMatch((frame) -> frame.getClassName().equals(GuardedCalls.class.getName())
								&& frame.getMethodName().equals("call")));
	}

	@Test
	void keyReusedWithOtherArgumentsIsAConflictAndExecutesNothing() {
		String order = UUID.randomUUID().toString();
		String first = this.plans.checkout(order);
		assertThat(this.plans.checkoutOf(order, 10)).isEqualTo(first);
		assertThatExceptionOfType(IdempotencyConflictException.class)
			.isThrownBy(() -> this.plans.checkoutOf(order, 150))
			.withMessageContaining("was called with idempotency key 'order-" + order + "'")
			.withMessageContaining(
					"already used with other arguments; this call's arguments are [\"" + order + "\",150]");
		assertThat(EngineTestApplication.calls("engine:charge")).hasSize(1);
	}

	@Test
	void purgeErasesAFinishedRunWithEveryRowOfItAndRefusesOneThatHasNotFinished() throws Exception {
		String order = UUID.randomUUID().toString();
		RunHandle<String> refund = this.runs.start(() -> this.plans.refund(order, 120));
		ReviewView review = await().atMost(TIMEOUT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(refund.runId())).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
		assertThatExceptionOfType(RunNotFinishedException.class).isThrownBy(() -> this.runs.purge(refund.runId()))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RunStatus.WAITING));
		this.reviews.decide(review.id(), ReviewDecision.approve("erin"));
		assertThat(refund.await(TIMEOUT)).isEqualTo("refunded 120 on " + order);
		String kept = UUID.randomUUID().toString();
		RunHandle<String> other = this.runs.start(() -> this.plans.checkout(kept));
		assertThat(other.await(TIMEOUT)).isNotNull();
		Map<String, Integer> before = rows(refund.runId());
		assertThat(before).as("a run, its steps, its review and decision, its idempotency key")
			.allSatisfy((table, count) -> assertThat(count).as(table).isPositive());
		Map<String, Integer> others = rows(other.runId());

		assertThat(this.runs.purge(refund.runId()))
			.isEqualTo(before.values().stream().mapToInt(Integer::intValue).sum());

		assertThat(rows(refund.runId())).allSatisfy((table, count) -> assertThat(count).as(table).isZero());
		assertThat(rows(other.runId())).as("another run's rows").isEqualTo(others);
		assertThat(this.runs.find(refund.runId())).isEmpty();
		assertThatExceptionOfType(RunNotFoundException.class).isThrownBy(() -> this.runs.purge(refund.runId()));
	}

	@Test
	void checkpointWhoseActionWasDoneUnderItsKeyAsksNobody() throws Exception {
		String order = UUID.randomUUID().toString();
		RunHandle<String> first = this.runs.start(() -> this.plans.refund(order, 120));
		ReviewView review = await().atMost(TIMEOUT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(first.runId())).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
		this.reviews.decide(review.id(), ReviewDecision.approve("erin"));
		assertThat(first.await(TIMEOUT)).isEqualTo("refunded 120 on " + order);

		RunHandle<String> again = this.runs.start(() -> this.plans.refund(order, 120));
		assertThat(again.await(TIMEOUT)).isEqualTo("refunded 120 on " + order);
		assertThat(this.reviews.list(ReviewQuery.all().withRunId(again.runId())).reviews()).isEmpty();
		RunHandle<String> other = this.runs.start(() -> this.plans.refund(order, 150));
		assertThatException().isThrownBy(() -> other.await(TIMEOUT))
			.withMessageContaining("already used with other arguments");
		assertThat(this.reviews.list(ReviewQuery.all().withRunId(other.runId())).reviews()).isEmpty();
		assertThat(EngineTestApplication.calls("engine:refund")).hasSize(1);

		RunHandle<String> later = this.runs.start(() -> this.plans.refundAndConfirm(order, 120));
		ReviewView confirm = await().atMost(TIMEOUT)
			.until(() -> this.reviews.list(ReviewQuery.pending().withRunId(later.runId())).reviews(),
					(list) -> !list.isEmpty())
			.get(0);
		assertThat(confirm.checkpoint()).as("the done refund asked nobody; its replay follows the journal")
			.isEqualTo("confirm");
		this.reviews.decide(confirm.id(), ReviewDecision.approve("erin"));
		assertThat(later.await(TIMEOUT)).isEqualTo("refunded 120 on " + order + " / confirmed " + order);
		assertThat(EngineTestApplication.calls("engine:refund")).hasSize(1);
	}

	@Test
	void keyClaimedByACrashedRunIsRetriedByThatRunAndNotStolen() throws Exception {
		String order = UUID.randomUUID().toString();
		String crashed = UUID.randomUUID().toString();
		Instant now = Instant.now();
		this.store.insertRun(new NewRun(crashed, "checkout", "1", "[\"" + order + "\"]", null, null, "dead-instance",
				now, now.minusSeconds(1)));
		assertThat(this.keys.claim("charge", "order-" + order, crashed,
				GuardedCalls.fingerprint("[\"" + order + "\",10]"), now))
			.isTrue();

		assertThatExceptionOfType(IdempotencyConflictException.class).isThrownBy(() -> this.plans.checkout(order))
			.withMessageContaining("is being executed by " + crashed);
		assertThat(EngineTestApplication.calls("engine:charge")).isEmpty();

		this.recovery.recover();
		String result = (String) this.runs.handle(crashed).orElseThrow().await(TIMEOUT);
		assertThat(result).startsWith("receipt-");
		assertThat(EngineTestApplication.calls("engine:charge")).hasSize(1);
		assertThat(this.plans.checkout(order)).isEqualTo(result);
	}

	/**
	 * Counts the rows of a run in every table that holds rows of runs.
	 */
	private Map<String, Integer> rows(String runId) {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		String schema = this.schema.getSchema();
		Map<String, Integer> rows = new LinkedHashMap<>();
		for (String[] table : new String[][] { { "guarded_run", "id" }, { "guarded_step", "run_id" },
				{ "guarded_review", "run_id" }, { "guarded_review_decision", "run_id" },
				{ "guarded_idempotency", "owner_id" } }) {
			rows.put(table[0],
					jdbc.queryForObject(
							"SELECT COUNT(*) FROM " + schema + "." + table[0] + " WHERE " + table[1] + " = ?",
							Integer.class, runId));
		}
		return rows;
	}

}
