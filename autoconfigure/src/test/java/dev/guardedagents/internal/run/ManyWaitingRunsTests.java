package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewView;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunHandle;
import dev.guardedagents.RunStatus;
import dev.guardedagents.internal.run.EngineTestApplication.Customer;
import dev.guardedagents.internal.run.EngineTestApplication.Offer;
import dev.guardedagents.internal.run.EngineTestApplication.Plans;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 runs wait at a checkpoint at once with a run executor of 4 threads: all park
 * without holding a thread, then all are approved and complete. Run on H2 and on
 * PostgreSQL by the subclasses.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "guarded-agents.instance-id=many", "guarded-agents.executor.pool-size=4",
				"guarded-agents.executor.queue-capacity=300", "logging.level.root=warn" })
abstract class ManyWaitingRunsTests {

	private static final int RUNS = 200;

	@Autowired
	Plans plans;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	RunEngine engine;

	@Autowired
	JdbcRunStore store;

	@Test
	void twoHundredRunsParkOnFourThreadsThenAllComplete() {
		EngineTestApplication.reset();
		List<RunHandle<String>> handles = new ArrayList<>();
		for (int i = 0; i < RUNS; i++) {
			Customer customer = new Customer("c" + i + "@example.com");
			Offer offer = new Offer("pro", 1000 + i % 7);
			handles.add(this.runs.start(() -> this.plans.offer(customer, offer)));
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> this.store.count(List.of(RunStatus.WAITING)) == RUNS);
		List<ReviewView> pending = this.reviews.list(ReviewQuery.pending().withPage(0, ReviewQuery.MAX_SIZE)).reviews();
		assertThat(pending).hasSize(RUNS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.engine.runs().executor().freeSlots() == 4 + 300);
		assertThat(this.store.count(List.of(RunStatus.RUNNING))).isZero();

		for (ReviewView review : pending) {
			this.reviews.decide(review.id(), ReviewDecision.approve("lead"));
		}
		await().atMost(Duration.ofSeconds(90)).until(() -> this.store.count(List.of(RunStatus.SUCCEEDED)) == RUNS);
		assertThat(handles).allSatisfy((handle) -> assertThat(handle.status()).isEqualTo(RunStatus.SUCCEEDED));
		assertThat(EngineTestApplication.calls("many:send")).hasSize(RUNS);
	}

}
