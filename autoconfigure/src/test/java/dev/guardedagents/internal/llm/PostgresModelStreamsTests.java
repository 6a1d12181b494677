package dev.guardedagents.internal.llm;

import java.time.Duration;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ModelStreamBrokenException;
import dev.guardedagents.RunStatus;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.llm.ModelTestApplication.Streamer;
import dev.guardedagents.internal.run.RunEngine;
import dev.guardedagents.internal.run.RunRecovery;
import dev.guardedagents.test.PostgresDatabase;
import dev.guardedagents.test.PostgresTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Streamed model calls on the real PostgreSQL, with no policy on model outputs: the
 * chunks reach the plan as the model sends them, before the step is recorded, and a run
 * that crashed after the stream replays it from the journal.
 */
@PostgresTest
@SpringBootTest(classes = ModelTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "guarded-agents.instance-id=streams-postgres",
				"guarded-agents.pricing.gpt-lab.input-per-million=2.50",
				"guarded-agents.pricing.gpt-lab.output-per-million=10.00", "guarded-agents.budgets.halt.max-cost=1",
				"guarded-agents.budgets.degrade.max-cost=1", "guarded-agents.budgets.escalate.max-cost=1",
				"guarded-agents.models.gpt-lab-cut.timeout=3s", "guarded-agents.models.gpt-lab-cut.max-attempts=3",
				"guarded-agents.models.gpt-lab-cut.backoff.initial=10ms",
				"guarded-agents.models.gpt-lab-cut.circuit-breaker.enabled=false", "logging.level.root=warn" })
class PostgresModelStreamsTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		ModelTestSupport.openAi.register(registry);
		String url = PostgresDatabase.create();
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", PostgresDatabase::user);
		registry.add("spring.datasource.password", PostgresDatabase::password);
	}

	@Autowired
	Streamer streamer;

	@Autowired
	AgentRuns runs;

	@Autowired
	RunEngine engine;

	@Autowired
	RunRecovery recovery;

	@BeforeEach
	void reset() {
		this.engine.crashes().disarm();
		Streamer.received.clear();
	}

	@Test
	void theChunksOfAStreamedCallReachThePlanBeforeTheStepIsRecordedAndTheRestartReplaysIt() throws Exception {
		ModelTestSupport.openAi.streamAnswer("pg-stream", List.of("Streamed", " as", " it", " comes"), 400, 40);
		this.engine.crashes().crashAfter("chat");

		String runId = this.runs.start(() -> this.streamer.streamed("pg-stream: tell me")).runId();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.engine.activeRuns() == 0);
		assertThat(Streamer.received).extracting(Streamer.Chunk::text)
			.containsExactly("Streamed", " as", " it", " comes");
		assertThat(Streamer.received).as("no policy checks model outputs: each chunk came before the step was recorded")
			.allSatisfy((chunk) -> assertThat(chunk.modelStepsRecorded()).isZero());
		this.recovery.restartCrashed();

		assertThat(this.runs.handle(runId).orElseThrow().await(Duration.ofSeconds(30)))
			.isEqualTo("Streamed as it comes");
		assertThat(ModelTestSupport.openAi.requests("pg-stream")).as("requests to the model").isEqualTo(1);
		assertThat(Streamer.received).extracting(Streamer.Chunk::text)
			.as("the first execution's chunks, then the recorded response as one chunk")
			.containsExactly("Streamed", " as", " it", " comes", "Streamed as it comes");
		List<StepView> steps = this.runs.steps(runId);
		assertThat(steps).extracting(StepView::kind).containsExactly(StepKind.LLM);
		assertThat(steps.get(0).usage().inputTokens()).isEqualTo(400);
		assertThat(steps.get(0).usage().outputTokens()).isEqualTo(40);
		assertThat(steps.get(0).usage().cost()).isEqualByComparingTo("0.0014");
	}

	@Test
	void aStreamCutAfterItsFirstChunksReachedThePlanIsNotAskedAgainWithinTheStep() {
		List<String> chunks = List.of("The", " beginning", " of", " a", " long", " reply", " that", " stalls", " here");
		ModelTestSupport.openAi.streamAnswerSlowly("pg-cut", chunks, 8000);

		assertThatExceptionOfType(ModelStreamBrokenException.class)
			.isThrownBy(() -> this.streamer.streamedWith("gpt-lab-cut", "pg-cut: tell me"))
			.withMessageContaining("chunk(s) reached the caller")
			.withMessageContaining("did not finish within PT3S");

		assertThat(Streamer.received).as("the chunks that came before the time limit").isNotEmpty();
		assertThat(ModelTestSupport.openAi.requests("pg-cut")).as("no second request: the reply is not shown twice")
			.isEqualTo(1);
		String runId = Streamer.lastRun();
		assertThat(this.runs.find(runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
		assertThat(this.runs.steps(runId)).singleElement()
			.satisfies((step) -> assertThat(step.errorType()).isEqualTo(ModelStreamBrokenException.class.getName()));
	}

	@Test
	void aStreamWhoseModelPickedAToolIsJournaledRoundByRound() throws Exception {
		ModelTestSupport.openAi.streamToolRound("pg-weather", "currentTemperature", "{\"city\":\"Nantes\"}",
				List.of("Mild", " in Nantes."));
		int toolCalls = ModelTestApplication.Weather.calls.get();

		assertThat(this.streamer.streamed("pg-weather: how is Nantes?")).isEqualTo("Mild in Nantes.");

		assertThat(ModelTestApplication.Weather.calls.get()).isEqualTo(toolCalls + 1);
		assertThat(Streamer.received).extracting(Streamer.Chunk::modelStepsRecorded)
			.as("the final round's chunks came after the first round was recorded and before the second")
			.containsOnly(1L);
	}

}
