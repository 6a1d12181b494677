package dev.guardedagents.internal.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.ReviewDecision;
import dev.guardedagents.ReviewQuery;
import dev.guardedagents.Reviews;
import dev.guardedagents.RunContext;
import dev.guardedagents.RunSuspendedException;
import dev.guardedagents.StepKind;
import dev.guardedagents.StepView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Steps without a bean: {@code RunContext.step}, {@code now()} and {@code randomUUID()}
 * are journaled, guarded by the settings of their name, and replayed without running
 * again. Run on H2 and on PostgreSQL by the subclasses.
 */
@EngineTest
abstract class LambdaStepsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	EngineTestApplication.Stamps stamps;

	@Autowired
	AgentRuns runs;

	@Autowired
	Reviews reviews;

	@BeforeEach
	void reset() {
		EngineTestApplication.reset();
		EngineTestApplication.Stamps.lookups.set(0);
		EngineTestApplication.Stamps.flaky.set(0);
	}

	@Test
	void lambdaStepsAreJournaledAndReplayedWithoutRunningAgain() throws Exception {
		String runId = assertThatExceptionOfType(RunSuspendedException.class)
			.isThrownBy(() -> this.stamps.stamped("o-1"))
			.actual()
			.getRunId();
		List<StepView> steps = this.runs.steps(runId);
		assertThat(steps).extracting(StepView::kind, StepView::name)
			.containsExactly(tuple(StepKind.TOOL, RunContext.NOW), tuple(StepKind.TOOL, RunContext.RANDOM_UUID),
					tuple(StepKind.TOOL, "fetch-rate"), tuple(StepKind.TOOL, "flaky-lookup"),
					tuple(StepKind.TOOL, "tags"));
		assertThat(steps.get(3).attempts()).as("guarded by guarded-agents.tools.flaky-lookup.max-attempts=4")
			.isEqualTo(4);
		assertThat(steps.get(2).output()).isEqualTo("{\"product\":\"rate-o-1\",\"amount\":7}");
		JsonMapper mapper = new JsonMapper();
		Instant at = mapper.readValue(steps.get(0).output(), Instant.class);
		UUID id = mapper.readValue(steps.get(1).output(), UUID.class);

		String review = this.reviews.list(ReviewQuery.pending().withRunId(runId)).reviews().get(0).id();
		this.reviews.decide(review, ReviewDecision.approve("ops"));
		String result = (String) this.runs.handle(runId).orElseThrow().await(TIMEOUT);

		assertThat(result).isEqualTo(at + "|" + id + "|rate-o-1:7|4|[new, o-1]");
		assertThat(EngineTestApplication.Stamps.lookups).as("replayed, not run again").hasValue(1);
		assertThat(EngineTestApplication.Stamps.flaky).hasValue(4);
		assertThat(this.runs.steps(runId)).extracting(StepView::name)
			.containsExactly(RunContext.NOW, RunContext.RANDOM_UUID, "fetch-rate", "flaky-lookup", "tags", "confirm",
					"confirm");
	}

	@Test
	void theRunAndTheStepAreInTheLoggingMdcOfTheirThread() {
		MDC.put("runId", "the application's own");
		String[] seen;
		try {
			seen = this.stamps.logged("o-9").split("#");
			assertThat(MDC.get("runId")).as("the application's value, back after the run")
				.isEqualTo("the application's own");
		}
		finally {
			MDC.remove("runId");
		}
		String runId = seen[0];
		assertThat(seen[1]).as("in the plan").isEqualTo(runId + "|logged|order-o-9|null");
		assertThat(seen[2]).as("in a step body").isEqualTo(runId + "|logged|order-o-9|read-mdc");
		assertThat(MDC.get("step")).as("after the run, on the caller's thread").isNull();
		assertThat(MDC.get("runName")).isNull();
	}

	@Test
	void outsideARunALambdaStepIsAPlainCall() {
		assertThat(RunContext.step("plain", () -> "called")).isEqualTo("called");
		assertThat(RunContext.now()).isBeforeOrEqualTo(Instant.now());
		assertThat(RunContext.randomUUID()).isNotEqualTo(RunContext.randomUUID());
	}

	@Test
	void aGenericResultWithoutItsTypeIsRefusedBeforeItRuns() {
		assertThatIllegalArgumentException().isThrownBy(() -> {
			List<String> tags = RunContext.step("tags", () -> List.of("a"));
			assertThat(tags).isEmpty();
		}).withMessageContaining("use step(\"tags\", new ParameterizedTypeReference<List<...>>() {}, ...)");
	}

}
