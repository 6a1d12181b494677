package dev.guardedagents.internal.llm;

import java.time.Duration;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ModelUsage;
import dev.guardedagents.PolicyViolationException;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewStatus;
import dev.guardedagents.ReviewView;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.llm.ModelTestApplication.Streamer;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.internal.store.JdbcRunStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Streamed model calls ({@code ChatClient.stream()}) in runs, through Spring AI's real
 * OpenAI client against a local stub that streams server-sent events: each round is one
 * journaled model step, a resumed run replays the recorded text without asking the model,
 * and what stops a run on the threads the stream continues on (a checkpoint, a crash)
 * stops it. This context has a policy on model outputs, so chunks wait for it.
 */
class ModelStreamsTests extends ModelTestSupport {

	@Autowired
	Streamer streamer;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@Autowired
	RunEngine engine;

	@Autowired
	RunRecovery recovery;

	@Autowired
	JdbcRunStore store;

	@BeforeEach
	void reset() {
		this.engine.crashes().disarm();
		Streamer.received.clear();
	}

	@Test
	void aStreamedCallIsOneModelStepWithItsUsageAndCostAndItsChunksWaitForTheOutputPolicy() {
		openAi.streamAnswer("stream-one", List.of("Bon", "jour", " from", " Paris"), 1000, 200);

		assertThat(this.streamer.streamed("stream-one: greet me")).isEqualTo("Bonjour from Paris");

		assertThat(Streamer.received).extracting(Streamer.Chunk::text)
			.containsExactly("Bon", "jour", " from", " Paris");
		assertThat(Streamer.received).as("a policy checks model outputs: chunks come once the step is recorded")
			.allSatisfy((chunk) -> assertThat(chunk.modelStepsRecorded()).isEqualTo(1));
		assertThat(openAi.requests("stream-one")).isEqualTo(1);
		List<StepView> steps = this.runs.steps(latestRun());
		assertThat(steps).extracting(StepView::kind, StepView::name)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"));
		ModelUsage usage = steps.get(0).usage();
		assertThat(usage.model()).isEqualTo("gpt-lab-2026");
		assertThat(usage.inputTokens()).isEqualTo(1000);
		assertThat(usage.outputTokens()).isEqualTo(200);
		// 1,000 input at 2.50 + 200 output at 10.00 per million
		assertThat(usage.cost()).isEqualByComparingTo("0.0045");
		assertThat(steps.get(0).output()).contains("Bonjour from Paris");
		assertThat(steps.get(0).input()).contains("stream-one: greet me");
	}

	@Test
	void aStreamedOutputThatAPolicyDeniesNeverReachesTheCaller() {
		openAi.streamAnswer("stream-card", List.of("Your card is ", "4111 1111 1111 1111"), 100, 20);

		assertThatExceptionOfType(PolicyViolationException.class)
			.isThrownBy(() -> this.streamer.streamed("stream-card: which card?"))
			.withMessageContaining("card-number");

		assertThat(Streamer.received).isEmpty();
		assertThat(this.runs.find(latestRun()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
	}

	@Test
	void aRunThatCrashedAfterAStreamedCallReplaysTheRecordedTextWithoutAskingTheModel() throws Exception {
		openAi.streamAnswer("stream-after", List.of("Recorded", " once"), 100, 20);
		this.engine.crashes().crashAfter("chat");

		String runId = this.runs.start(() -> this.streamer.streamed("stream-after: say it")).runId();
		restartCrashed();

		assertThat(result(runId)).isEqualTo("Recorded once");
		assertThat(openAi.requests("stream-after")).as("requests to the model").isEqualTo(1);
		assertThat(Streamer.received).extracting(Streamer.Chunk::text)
			.as("the first execution crashed before its chunks passed the policy; the replay emits the recorded "
					+ "response as one chunk")
			.containsExactly("Recorded once");
		assertThat(this.runs.steps(runId)).extracting(StepView::kind).containsExactly(StepKind.LLM);
	}

	@Test
	void aRunThatCrashedBeforeItsStreamedCallWasRecordedAsksTheModelOnceMore() throws Exception {
		openAi.streamAnswer("stream-during", List.of("Asked", " twice"), 100, 20);
		this.engine.crashes().crashDuring("chat");

		String runId = this.runs.start(() -> this.streamer.streamed("stream-during: say it")).runId();
		restartCrashed();

		assertThat(result(runId)).isEqualTo("Asked twice");
		assertThat(openAi.requests("stream-during")).as("requests to the model").isEqualTo(2);
		assertThat(this.runs.steps(runId)).extracting(StepView::kind).containsExactly(StepKind.LLM);
	}

	@Test
	void aStreamThatStallsPastTheModelsTimeLimitIsCutAndTriedAgainByItsGuard() {
		openAi.streamAnswerSlowlyOnce("stream-slow", List.of("Second", " try"), 10_000);

		assertThat(this.streamer.streamedWith("gpt-lab-slow", "stream-slow: hurry")).isEqualTo("Second try");

		assertThat(openAi.requests("stream-slow")).as("the stalled request and the retry").isEqualTo(2);
		String runId = this.store.list(null, "streamed-with", null, 0, 1).runs().get(0).id();
		List<StepView> steps = this.runs.steps(runId);
		assertThat(steps).extracting(StepView::kind).containsExactly(StepKind.LLM);
		assertThat(steps.get(0).attempts()).isEqualTo(2);
	}

	@Test
	void theToolRoundsOfAStreamAreStepsOfTheRunOnTheThreadsTheStreamContinuesOn() throws Exception {
		openAi.streamToolRound("stream-weather", "currentTemperature", "{\"city\":\"Lyon\"}",
				List.of("It is", " 21C", " in Lyon."));
		int toolCalls = ModelTestApplication.Weather.calls.get();
		this.engine.crashes().crashAfter("currentTemperature");

		String runId = this.runs.start(() -> this.streamer.streamed("stream-weather: in Lyon?")).runId();
		restartCrashed();

		assertThat(result(runId)).isEqualTo("It is 21C in Lyon.");
		assertThat(ModelTestApplication.Weather.calls.get()).as("tool calls").isEqualTo(toolCalls + 1);
		assertThat(openAi.requests("stream-weather")).as("one request per round").isEqualTo(2);
		assertThat(this.runs.steps(runId)).extracting(StepView::kind, StepView::name)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"),
					org.assertj.core.groups.Tuple.tuple(StepKind.TOOL, "currentTemperature"),
					org.assertj.core.groups.Tuple.tuple(StepKind.LLM, "chat"));
		assertThat(Streamer.received).extracting(Streamer.Chunk::text).containsExactly("It is", " 21C", " in Lyon.");
	}

	@Test
	void aCheckpointOnAToolOfAStreamParksTheRunEvenWhenThePlanCatchesWhatTheStreamThrew() throws Exception {
		openAi.streamToolRound("stream-refund", "refund", "{\"order\":\"S-1\"}", List.of("Order S-1", " refunded."));
		int refunds = ModelTestApplication.Refunds.calls.get();

		String runId = this.runs.start(() -> this.streamer.refund("stream-refund: order S-1 please")).runId();
		ReviewView review = await().atMost(Duration.ofSeconds(30))
			.until(() -> this.reviews.pending()
				.reviews()
				.stream()
				.filter((pending) -> pending.runId().equals(runId))
				.findFirst()
				.orElse(null), (pending) -> pending != null);

		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.WAITING);
		assertThat(ModelTestApplication.Refunds.calls.get()).isEqualTo(refunds);
		this.reviews.decide(review.id(), ReviewDecision.approve("lead"));
		assertThat(result(runId)).isEqualTo("Order S-1 refunded.");
		assertThat(ModelTestApplication.Refunds.calls.get()).isEqualTo(refunds + 1);
		assertThat(openAi.requests("stream-refund")).isEqualTo(2);
		assertThat(this.runs.steps(runId)).extracting(StepView::kind)
			.containsExactly(StepKind.LLM, StepKind.CHECKPOINT, StepKind.TOOL, StepKind.LLM);
		assertThat(this.reviews.find(review.id()).orElseThrow().status()).isEqualTo(ReviewStatus.APPROVED);
	}

	private void restartCrashed() {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.engine.activeRuns() == 0);
		assertThat(this.engine.crashes().held()).as("runs that crashed").hasSize(1);
		this.recovery.restartCrashed();
	}

	private Object result(String runId) throws Exception {
		return this.runs.handle(runId).orElseThrow().await(Duration.ofSeconds(30));
	}

	private String latestRun() {
		return this.store.list(null, "streamed", null, 0, 1).runs().get(0).id();
	}

}
