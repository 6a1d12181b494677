package dev.guardedagents.internal.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewKind;
import dev.guardedagents.Reviewer;
import dev.guardedagents.RunStatus;
import dev.guardedagents.TimeoutOutcome;
import dev.guardedagents.autoconfigure.GuardedAgentsSchemaInitializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slots of plans with a limit of runs at once, in the stores: admission, the queue in
 * order, and a waiting run of such a plan that queues again when a decision or its wake
 * time hands it back. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class PlanSlotTests {

	private JdbcRunStore runs;

	private JdbcReviewStore reviews;

	private JdbcTemplate jdbc;

	private String schema;

	abstract DataSource dataSource();

	@BeforeEach
	void createStores() {
		DataSource dataSource = dataSource();
		GuardedAgentsSchemaInitializer initializer = new GuardedAgentsSchemaInitializer(dataSource, "guarded_agents",
				null);
		initializer.afterPropertiesSet();
		this.schema = initializer.getSchema();
		this.runs = new JdbcRunStore(dataSource, this.schema);
		this.reviews = new JdbcReviewStore(dataSource, this.schema);
		this.runs.publishLimits(Map.of("limited", 1));
		this.jdbc = new JdbcTemplate(dataSource);
	}

	@Test
	void runsBeyondTheLimitQueueAndStartOldestFirstAsSlotsFree() {
		Instant now = Instant.now();
		String first = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(run(first, "limited", now), true, 0)).isEqualTo(JdbcRunStore.Admission.STARTED);
		String second = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(run(second, "limited", now.plusMillis(1)), true, 0))
			.isEqualTo(JdbcRunStore.Admission.QUEUED);
		String third = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(run(third, "limited", now.plusMillis(2)), true, 0))
			.isEqualTo(JdbcRunStore.Admission.QUEUED);
		assertThat(this.runs.findRun(second).orElseThrow().owner()).as("queued without an owner").isNull();
		assertThat(this.runs.dequeue("limited", "1", now)).as("no slot free").isZero();

		assertThat(this.runs.finish(first, 1, RunStatus.SUCCEEDED, "\"ok\"", null, null, 0, now)).isTrue();
		assertThat(this.runs.dequeue("limited", "1", now)).isEqualTo(1);
		assertThat(this.runs.findRun(second).orElseThrow().status()).as("the oldest").isEqualTo(RunStatus.RUNNING);
		assertThat(this.runs.findRun(third).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		String unlimited = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(run(unlimited, "other", now), false, 0))
			.isEqualTo(JdbcRunStore.Admission.STARTED);

		assertThat(this.runs.dequeueUnlimited(now)).as("the plan still has its limit").isZero();
		assertThat(this.runs.limits()).containsExactly(Map.entry("limited", 1));
		this.runs.publishLimits(Map.of("limited", 0));
		assertThat(this.runs.limits()).isEmpty();
		assertThat(this.runs.dequeueUnlimited(now)).as("its limit was removed: nothing holds it").isEqualTo(1);
		assertThat(this.runs.findRun(third).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
	}

	@Test
	void aWaitingRunOfALimitedPlanQueuesAgainWhenItIsHandedBackOrWakes() {
		this.runs.publishLimits(Map.of("limited", 2));
		Instant now = Instant.now();
		String decided = parked("limited", now);
		String other = parked("other", now);
		for (String runId : List.of(decided, other)) {
			String reviewId = this.jdbc.queryForObject(
					"SELECT id FROM " + this.schema + ".guarded_review WHERE run_id = ?", String.class, runId);
			assertThat(this.reviews
				.decide(reviewId, Reviewer.of("ann"), Set.of("user:ann"), ReviewDecision.Decision.APPROVE, null, null,
						now)
				.result()).isEqualTo(JdbcReviewStore.Result.DECIDED);
		}
		assertThat(this.runs.findRun(decided).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		assertThat(this.runs.findRun(other).orElseThrow().status()).as("no limit: resumed at once")
			.isEqualTo(RunStatus.RUNNING);

		assertThat(this.runs.dequeue("limited", "1", now)).as("queued again, it starts as any queued run").isEqualTo(1);
		String sleeping = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(run(sleeping, "limited", now), true, 0))
			.isEqualTo(JdbcRunStore.Admission.STARTED);
		assertThat(this.runs.sleep(sleeping, 1, now.plusMillis(10), null, now)).isTrue();
		assertThat(this.runs.wake(now.plusSeconds(1))).isEqualTo(1);
		assertThat(this.runs.findRun(sleeping).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
		assertThat(this.runs.findRun(sleeping).orElseThrow().wakeAt()).isNull();
	}

	private String parked(String name, Instant now) {
		String id = UUID.randomUUID().toString();
		assertThat(this.runs.insertRun(run(id, name, now), false, 0)).isEqualTo(JdbcRunStore.Admission.STARTED);
		assertThat(this.reviews.openAndPark(new NewReview(UUID.randomUUID().toString(), id, 1, 1, ReviewKind.CHECKPOINT,
				"approve", List.of("user:ann"), "Approve?", "{}", TimeoutOutcome.REJECT, now.plus(Duration.ofDays(1)),
				1, List.of(), List.of(), null, now), 1))
			.isTrue();
		return id;
	}

	private static NewRun run(String id, String name, Instant now) {
		return new NewRun(id, name, "1", "[]", null, null, "here", now, now.plusSeconds(60));
	}

}
