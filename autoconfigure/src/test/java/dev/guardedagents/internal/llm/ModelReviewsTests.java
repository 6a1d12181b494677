package dev.guardedagents.internal.llm;

import java.time.Duration;
import java.util.Map;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.CheckpointRejectedException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.RunView;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code on-failure: human-review} for model calls and for tools the model picked,
 * through Spring AI's real OpenAI client against a local stub: the failed call parks the
 * run; an approval retries it (one more request to the model, or the tool runs again), a
 * supplied result answers without calling, a rejection fails the run.
 */
class ModelReviewsTests extends ModelTestSupport {

	@Autowired
	ModelTestApplication.Budgeted agent;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Test
	void aFailedModelCallWaitsForAReviewerWhoRetriesIt() {
		openAi.fail("review-retry");
		RunSuspendedException suspended = parked("review-retry");
		ReviewView review = this.reviews.find(suspended.getReviewId()).orElseThrow();
		assertThat(review.summary()).startsWith("Model call 'chat' failed after 1 attempts");
		openAi.answer("review-retry", "Answered on retry.", 100, 10);

		this.reviews.decide(review.id(), ReviewDecision.approve("lead"));

		assertThat(succeeded(suspended.getRunId()).result()).isEqualTo("\"Answered on retry.\"");
		assertThat(openAi.requests("review-retry")).as("one more request").isEqualTo(2);
		assertThat(this.runs.steps(suspended.getRunId()))
			.extracting(StepView::kind, StepView::name, StepView::succeeded)
			.containsExactly(tuple(StepKind.LLM, "chat", true));
	}

	@Test
	void aReviewerSuppliesTheAnswerOfAFailedModelCallWithoutCallingItAgain() {
		openAi.fail("review-supply");
		RunSuspendedException suspended = parked("review-supply");

		this.reviews.decide(suspended.getReviewId(),
				ReviewDecision.approveWithEdits("lead", Map.of("result", "Supplied by the lead.")));

		assertThat(succeeded(suspended.getRunId()).result()).isEqualTo("\"Supplied by the lead.\"");
		assertThat(openAi.requests("review-supply")).as("no new request").isEqualTo(1);
	}

	@Test
	void aReviewerWhoRejectsAFailedModelCallFailsTheRun() {
		openAi.fail("review-abort");
		RunSuspendedException suspended = parked("review-abort");

		this.reviews.decide(suspended.getReviewId(), ReviewDecision.reject("lead", "not worth it"));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.FAILED);
		assertThat(this.runs.find(suspended.getRunId()).orElseThrow().errorType())
			.isEqualTo(CheckpointRejectedException.class.getName());
		assertThat(openAi.requests("review-abort")).isEqualTo(1);
	}

	@Test
	void aFailedToolTheModelPickedWaitsForAReviewerWhoSuppliesItsAnswer() {
		int lookups = ModelTestApplication.Stock.calls.get();
		RunSuspendedException suspended = parkedOnStock("lamp");
		assertThat(this.reviews.find(suspended.getReviewId()).orElseThrow().summary())
			.startsWith("Tool 'lookupStock' failed after 1 attempts: stock service down");

		this.reviews.decide(suspended.getReviewId(),
				ReviewDecision.approveWithEdits("lead", Map.of("result", "12 lamps")));

		assertThat(succeeded(suspended.getRunId()).result()).isEqualTo("\"There are 12 lamps.\"");
		assertThat(ModelTestApplication.Stock.calls.get()).as("the tool ran once, when it failed")
			.isEqualTo(lookups + 1);
		assertThat(openAi.requests("stock of lamps")).isEqualTo(2);
		assertThat(this.runs.steps(suspended.getRunId())).extracting(StepView::kind, StepView::output)
			.containsExactly(tuple(StepKind.LLM, this.runs.steps(suspended.getRunId()).get(0).output()),
					tuple(StepKind.TOOL, "\"12 lamps\""),
					tuple(StepKind.LLM, this.runs.steps(suspended.getRunId()).get(2).output()));
	}

	@Test
	void aFailedToolTheModelPickedIsRetriedOnApproval() {
		int lookups = ModelTestApplication.Stock.calls.get();
		RunSuspendedException suspended = parkedOnStock("chair");
		ModelTestApplication.Stock.down = false;
		try {
			this.reviews.decide(suspended.getReviewId(), ReviewDecision.approve("lead"));

			assertThat(succeeded(suspended.getRunId()).result()).isEqualTo("\"There are 12 chairs.\"");
		}
		finally {
			ModelTestApplication.Stock.down = true;
		}
		assertThat(ModelTestApplication.Stock.calls.get()).as("failed once, then ran again on approval")
			.isEqualTo(lookups + 2);
		assertThat(openAi.requests("stock of chairs")).as("the model asked once for the tool, once to answer")
			.isEqualTo(2);
		assertThat(this.runs.steps(suspended.getRunId())).extracting(StepView::kind, StepView::output)
			.contains(tuple(StepKind.TOOL, "\"12 chairs\""));
	}

	@Test
	void aReviewerWhoRejectsAFailedToolTheModelPickedFailsTheRun() {
		int lookups = ModelTestApplication.Stock.calls.get();
		RunSuspendedException suspended = parkedOnStock("desk");

		this.reviews.decide(suspended.getReviewId(), ReviewDecision.reject("lead", "ask the warehouse"));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.FAILED);
		assertThat(this.runs.find(suspended.getRunId()).orElseThrow().errorType())
			.isEqualTo(CheckpointRejectedException.class.getName());
		assertThat(ModelTestApplication.Stock.calls.get()).as("not run again").isEqualTo(lookups + 1);
		assertThat(openAi.requests("stock of desks")).as("the model is not asked to answer").isEqualTo(1);
	}

	/**
	 * Asks the agent for the stock of an item: the model picks the stock tool, which
	 * fails, and the run parks for a reviewer; the model then answers "There are 12
	 * {item}s."
	 */
	private RunSuspendedException parkedOnStock(String item) {
		openAi.toolRound("stock of " + item + "s", "lookupStock", "{\"item\":\"" + item + "\"}",
				"There are 12 " + item + "s.");
		return assertThrows(RunSuspendedException.class, () -> this.agent.stock("What is the stock of " + item + "s?"));
	}

	private RunSuspendedException parked(String marker) {
		RunSuspendedException suspended = assertThrows(RunSuspendedException.class, () -> this.agent.reviewed(marker));
		assertThat(this.runs.find(suspended.getRunId()).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
		assertThat(openAi.requests(marker)).isEqualTo(1);
		return suspended;
	}

	private RunView succeeded(String runId) {
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			RunStatus status = this.runs.find(runId).orElseThrow().status();
			assertThat(status).isNotEqualTo(RunStatus.FAILED);
			return status == RunStatus.SUCCEEDED;
		});
		return this.runs.find(runId).orElseThrow();
	}

}
