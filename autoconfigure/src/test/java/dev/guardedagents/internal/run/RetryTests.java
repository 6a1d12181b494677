package dev.guardedagents.internal.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.RunNotFoundException;
import dev.guardedagents.RunNotRetryableException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunView;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.store.JdbcRunStore;
import dev.guardedagents.internal.store.RunAction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * An operator retries a failed run from its failed step: the steps before it are not
 * executed again, the failed step is, its failed record stays in the history, and the
 * retry is journaled with who did it. Run on H2 and on PostgreSQL by the subclasses.
 */
@EngineTest
abstract class RetryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	EngineTestApplication.Stamps stamps;

	@Autowired
	AgentRuns runs;

	@Autowired
	JdbcRunStore store;

	@BeforeEach
	void reset() {
		EngineTestApplication.Stamps.reserves.set(0);
		EngineTestApplication.Stamps.labels.set(0);
		EngineTestApplication.Stamps.printerOffline = true;
	}

	@Test
	void theFailedRunsOfAPlanAreRetriedTogether() throws Exception {
		List<String> failed = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String order = "b-" + i;
			failed.add(this.runs.start(() -> this.stamps.ship(order)).runId());
		}
		for (String runId : failed) {
			await().atMost(TIMEOUT).until(() -> this.runs.find(runId).orElseThrow().status() == RunStatus.FAILED);
		}
		EngineTestApplication.Stamps.printerOffline = false;

		assertThat(this.runs.retryFailed("shipment", "java.lang.NullPointerException", 10, "ops")).isEmpty();
		assertThat(this.runs.retryFailed("shipment", "java.lang.IllegalStateException", 2, "ops")).hasSize(2);
		assertThat(this.runs.retryFailed("shipment", null, 10, "ops")).hasSize(1);
		for (String runId : failed) {
			assertThat(this.runs.handle(runId).orElseThrow().await(TIMEOUT)).asString().startsWith("reserved b-");
		}
		assertThat(EngineTestApplication.Stamps.reserves).hasValue(3);
		assertThat(this.runs.retryFailed("shipment", null, 10, "ops")).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> this.runs.retryFailed("shipment", null, 201, "ops"))
			.withMessage("Retry between 1 and 200 runs at a time, not 201");
	}

	@Test
	void aRunIsForkedFromAStepIntoANewRunThatExecutesOnlyTheRest() throws Exception {
		String source = this.runs.start(() -> this.stamps.ship("f-1")).runId();
		await().atMost(TIMEOUT).until(() -> this.runs.find(source).orElseThrow().status() == RunStatus.FAILED);
		EngineTestApplication.Stamps.printerOffline = false;

		RunView fork = this.runs.fork(source, 2, "ops");

		assertThat(fork.id()).isNotEqualTo(source);
		assertThat(fork.name()).isEqualTo("shipment");
		assertThat(this.runs.handle(fork.id()).orElseThrow().await(TIMEOUT)).isEqualTo("reserved f-1|label f-1");
		assertThat(EngineTestApplication.Stamps.reserves).as("copied, replayed").hasValue(1);
		assertThat(EngineTestApplication.Stamps.labels).as("executed by the fork").hasValue(2);
		assertThat(this.runs.steps(fork.id())).extracting(StepView::name, StepView::succeeded, StepView::idempotencyKey)
			.containsExactly(tuple("hold-stock", true, fork.id() + "/1"), tuple("print-label", true, fork.id() + "/2"));
		assertThat(this.runs.find(source).orElseThrow().status()).as("the source is left as it was")
			.isEqualTo(RunStatus.FAILED);
		assertThat(this.store.actions(source)).extracting(RunAction::action, RunAction::detail)
			.containsExactly(tuple("FORK", "forked into run " + fork.id() + " from step 2"));
		assertThat(this.store.actions(fork.id())).extracting(RunAction::action, RunAction::actor)
			.containsExactly(tuple("FORKED", "ops"));

		RunView fromTheStart = this.runs.fork(source, 1, "ops");
		assertThat(this.runs.handle(fromTheStart.id()).orElseThrow().await(TIMEOUT))
			.isEqualTo("reserved f-1|label f-1");
		assertThat(EngineTestApplication.Stamps.reserves).as("nothing copied: executed again").hasValue(2);
		assertThatIllegalArgumentException().isThrownBy(() -> this.runs.fork(source, 4, "ops"))
			.withMessage("Run " + source + " has 2 steps: fork it from step 1 to 3, not 4");
		assertThatExceptionOfType(RunNotFoundException.class).isThrownBy(() -> this.runs.fork("no-such", 1, "ops"));
		this.runs.retry(source, "ops");
		assertThat(this.runs.handle(source).orElseThrow().await(TIMEOUT)).as("no failed run left for the other tests")
			.isEqualTo("reserved f-1|label f-1");
	}

	@Test
	void aFailedRunIsRetriedFromItsFailedStep() throws Exception {
		String runId = this.runs.start(() -> this.stamps.ship("o-9")).runId();
		await().atMost(TIMEOUT).until(() -> this.runs.find(runId).orElseThrow().status() != RunStatus.RUNNING);
		assertThat(this.runs.find(runId).orElseThrow()).extracting(RunView::status, RunView::errorMessage)
			.containsExactly(RunStatus.FAILED, "printer offline");
		assertThat(this.runs.steps(runId)).extracting(StepView::name, StepView::succeeded)
			.containsExactly(tuple("hold-stock", true), tuple("print-label", false));
		assertThatExceptionOfType(RunNotFoundException.class).isThrownBy(() -> this.runs.retry("no-such", "ops"));

		EngineTestApplication.Stamps.printerOffline = false;
		RunView retried = this.runs.retry(runId, "ops");

		assertThat(retried.status()).isEqualTo(RunStatus.RUNNING);
		assertThat(retried.errorType()).isNull();
		assertThat(this.runs.handle(runId).orElseThrow().await(TIMEOUT)).isEqualTo("reserved o-9|label o-9");
		assertThat(EngineTestApplication.Stamps.reserves).as("replayed, not executed again").hasValue(1);
		assertThat(EngineTestApplication.Stamps.labels).as("the failed step executed again").hasValue(2);
		assertThat(this.runs.steps(runId)).extracting(StepView::name, StepView::succeeded)
			.containsExactly(tuple("hold-stock", true), tuple("print-label", true));
		assertThat(this.store.history(runId)).singleElement().satisfies((failed) -> {
			assertThat(failed.seq()).isEqualTo(2);
			assertThat(failed.succeeded()).isFalse();
			assertThat(failed.errorMessage()).isEqualTo("printer offline");
		});
		assertThat(this.store.actions(runId)).singleElement().satisfies((action) -> {
			assertThat(action).extracting(RunAction::action, RunAction::actor).containsExactly("RETRY", "ops");
			assertThat(action.detail()).isEqualTo("retried after java.lang.IllegalStateException; set aside step 2 "
					+ "TOOL 'print-label' (java.lang.IllegalStateException)");
		});
		RunView done = this.runs.find(runId).orElseThrow();
		assertThat(done.recoveries()).as("a retry is no crash").isZero();

		assertThatExceptionOfType(RunNotRetryableException.class).isThrownBy(() -> this.runs.retry(runId, "ops"))
			.withMessage("Run " + runId + " is SUCCEEDED: only a failed run is retried")
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RunStatus.SUCCEEDED));
	}

}
