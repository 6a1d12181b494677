package dev.guardedagents.internal.llm;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.RunTotals;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.store.StepRow;
import dev.guardedagents.internal.run.Conversation;
import dev.guardedagents.internal.store.JdbcRunStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Model calls through Spring AI's real OpenAI client, against a local stub: each call and
 * each tool the model picks is a journaled step with tokens and cost; a checkpoint on a
 * model-picked tool parks the run, and after approval the conversation goes on without
 * asking the model again for what it already answered.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelStepsTests extends ModelTestSupport {

	@Autowired
	ModelTestApplication.Desk desk;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	JdbcRunStore store;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@Test
	void modelCallsAndTheToolTheModelPickedAreStepsWithTokensAndCost() {
		openAi.toolRound("weather in Paris", "currentTemperature", "{\"city\":\"Paris\"}", "It is 21C in Paris.");
		int toolCalls = ModelTestApplication.Weather.calls.get();

		String answer = this.desk.ask("What is the weather in Paris?");

		assertThat(answer).isEqualTo("It is 21C in Paris.");
		assertThat(ModelTestApplication.Weather.calls.get()).isEqualTo(toolCalls + 1);
		assertThat(openAi.requests("weather in Paris")).isEqualTo(2);
		String runId = latestRun("ask");
		List<StepView> steps = this.runs.steps(runId);
		assertThat(steps).extracting(StepView::kind, StepView::name)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"),
					org.assertj.core.groups.Tuple.tuple(StepKind.TOOL, "currentTemperature"),
					org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"));
		ModelUsage first = steps.get(0).usage();
		assertThat(first.model()).isEqualTo("gpt-lab-2026");
		assertThat(first.inputTokens()).isEqualTo(120000);
		assertThat(first.outputTokens()).isEqualTo(30000);
		assertThat(first.cachedTokens()).isEqualTo(20000);
		// 100,000 input at 2.50 + 20,000 cached at 1.25 + 30,000 output at 10.00 per
		// million
		assertThat(first.cost()).isEqualByComparingTo("0.575");
		ModelUsage second = steps.get(2).usage();
		assertThat(second.reasoningTokens()).isEqualTo(4);
		assertThat(second.cost()).isEqualByComparingTo("0.425");
		assertThat(steps.get(0).input()).contains("What is the weather in Paris?").contains("\"model\":\"gpt-lab\"");
		assertThat(steps.get(0).output()).contains("currentTemperature").contains("call_currentTemperature");
		assertThat(steps.get(1).output()).contains("21C in Paris");
		RunTotals totals = this.store.totals(List.of(runId)).get(runId);
		assertThat(totals.modelCalls()).isEqualTo(2);
		assertThat(totals.toolCalls()).isEqualTo(1);
		assertThat(totals.totalTokens()).isEqualTo(120000 + 30000 + 150000 + 5000);
		assertThat(totals.cost()).isEqualByComparingTo(BigDecimal.ONE);
	}

	@Test
	void aThirtyRoundToolLoopJournalsEachMessageOnce() {
		openAi.toolRounds("thirty rounds", "currentTemperature", 30, "Warm everywhere.");

		assertThat(this.desk.ask("Check thirty rounds of cities, please.")).isEqualTo("Warm everywhere.");

		String runId = latestRun("ask");
		List<StepView> steps = this.runs.steps(runId);
		List<StepView> modelCalls = steps.stream().filter((step) -> step.kind() == StepKind.LLM).toList();
		assertThat(modelCalls).hasSize(31);
		assertThat(modelCalls.subList(1, 31)).allSatisfy((step) -> assertThat(step.input()).contains("\"after\":"));
		long journaled = steps.stream()
			.mapToLong((step) -> length(step.input()) + length(step.output()) + length(step.attemptErrors()))
			.sum();
		JsonMapper mapper = new JsonMapper();
		long wholeRequests = 0;
		List<StepRow> rows = steps.stream().map(StepRow::of).toList();
		for (StepView call : modelCalls) {
			wholeRequests += Conversation.rebuild(rows, call.seq(), mapper).length();
		}
		String last = Conversation.rebuild(rows, modelCalls.get(30).seq(), mapper);
		long distinct = length(last.substring(last.indexOf("\"messages\":") + 11))
				+ length(modelCalls.get(30).output());
		assertThat(mapper.readTree(last).get("messages")).as("the question, then 30 tool calls and answers")
			.hasSize(61);
		assertThat(journaled)
			.as("journal %d bytes for %d bytes of distinct messages (%d of whole requests)", journaled, distinct,
					wholeRequests)
			.isLessThanOrEqualTo(3 * distinct);
		System.out.printf("30-round tool loop: journal %d bytes, distinct messages %d bytes (%.2fx), whole requests "
				+ "would be %d bytes%n", journaled, distinct, (double) journaled / distinct, wholeRequests);
	}

	private static long length(@Nullable String text) {
		return (text != null) ? text.getBytes(StandardCharsets.UTF_8).length : 0;
	}

	@Test
	void aCheckpointOnAToolTheModelPickedParksTheRunAndTheConversationGoesOnAfterApproval() throws Exception {
		openAi.toolRound("refund order A-1", "refund", "{\"order\":\"A-1\"}", "Order A-1 was refunded.");
		int refunds = ModelTestApplication.Refunds.calls.get();

		RunSuspendedException suspended = org.junit.jupiter.api.Assertions.assertThrows(RunSuspendedException.class,
				() -> this.desk.ask("Please refund order A-1"));

		assertThat(ModelTestApplication.Refunds.calls.get()).isEqualTo(refunds);
		assertThat(openAi.requests("refund order A-1")).isEqualTo(1);
		this.reviews.decide(suspended.getReviewId(), ReviewDecision.approve("lead"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.SUCCEEDED);
		assertThat(this.runs.handle(suspended.getRunId()).orElseThrow().await(Duration.ofSeconds(1)))
			.isEqualTo("Order A-1 was refunded.");
		assertThat(ModelTestApplication.Refunds.calls.get()).isEqualTo(refunds + 1);
		assertThat(openAi.requests("refund order A-1")).isEqualTo(2);
		assertThat(this.runs.steps(suspended.getRunId())).extracting(StepView::kind)
			.containsExactly(StepKind.LLM, StepKind.CHECKPOINT, StepKind.TOOL, StepKind.LLM);
		assertThat(this.reviews.find(suspended.getReviewId()).orElseThrow().status()).isEqualTo(ReviewStatus.APPROVED);
	}

	@Test
	void theVersionOfAPromptIsRecordedWithTheModelCall() {
		openAi.answer("Answer the customer briefly. Question: opening hours?", "Nine to five.", 1000, 100);

		assertThat(this.desk.askWithPrompt("opening hours?")).isEqualTo("Nine to five.");

		StepView step = this.runs.steps(latestRun("ask-with-prompt")).get(0);
		assertThat(step.usage().promptName()).isEqualTo("support/answer");
		assertThat(step.usage().promptVersion()).isEqualTo("2");
		assertThat(step.usage().promptHash()).hasSize(64);
		assertThat(
				this.jdbc.queryForList("SELECT hash FROM guarded_agents.guarded_prompt WHERE name = ? AND version = ?",
						String.class, "support/answer", "2"))
			.containsExactly(step.usage().promptHash());
	}

	@Test
	void aResumedRunSaysSoWhenTheTextBehindARecordedPromptVersionChanged(CapturedOutput output) throws Exception {
		openAi.answer("Question: which order?", "B-7", 1000, 100);
		RunSuspendedException suspended = org.junit.jupiter.api.Assertions.assertThrows(RunSuspendedException.class,
				() -> this.desk.promptThenRefund("which order?"));
		// the run recorded its model call under a template text that differs from today's
		this.jdbc.update("UPDATE guarded_agents.guarded_step SET prompt_hash = ? WHERE run_id = ? AND seq = 1",
				"0".repeat(64), suspended.getRunId());

		this.reviews.decide(suspended.getReviewId(), ReviewDecision.approve("lead"));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.runs.find(suspended.getRunId()).orElseThrow().status() == RunStatus.SUCCEEDED);
		assertThat(openAi.requests("Question: which order?")).isEqualTo(1);
		assertThat(output).contains("Run " + suspended.getRunId() + " resumed with prompt 'support/answer' version 2 "
				+ "changed since the run recorded it (recorded hash " + "0".repeat(64));
	}

	@Test
	void costIsCountedByModelAndRunName() {
		openAi.answer("metered question", "counted", 400000, 0);

		this.desk.ask("metered question");

		assertThat(this.meters.get("guarded.cost").tag("model", "gpt-lab-2026").tag("plan", "ask").counter().count())
			.isGreaterThanOrEqualTo(1.0);
	}

	@Test
	void aModelWithoutAPriceIsRecordedWithTokensAndNoCost() {
		ModelPricing pricing = new ModelPricing(Map.of());
		assertThat(pricing.cost("gpt-unknown", "gpt-unknown", 10, 0, 5)).isNull();
		ModelPricing priced = new ModelPricing(
				Map.of("gpt-4o", new ModelPricing.Price(new BigDecimal("2.50"), new BigDecimal("10"), null)));
		assertThat(priced.cost("gpt-4o-2024-08-06", null, 1_000_000, 0, 0)).isEqualByComparingTo("2.50");
	}

	private String latestRun(String name) {
		return this.store.list(null, name, null, 0, 1).runs().get(0).id();
	}

}
