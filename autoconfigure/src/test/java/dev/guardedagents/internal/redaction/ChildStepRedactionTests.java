package dev.guardedagents.internal.redaction;

import java.util.Set;

import dev.guardedagents.RunContext;
import dev.guardedagents.Sensitive;
import dev.guardedagents.StepKind;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the redaction masks in the steps of child runs: the start holds the child plan's
 * arguments, masked as its run's arguments are; the wait holds the child's result, masked
 * as its run's result is.
 */
class ChildStepRedactionTests {

	private final JsonMapper mapper = new JsonMapper();

	private final Redaction redaction = new Redaction(Redactor.NONE,
			(plan) -> "kid".equals(plan) ? new Sensitivity(Set.of(0), Set.of(), true) : Sensitivity.NONE,
			(tool) -> Sensitivity.NONE, (checkpoint) -> Sensitivity.NONE, this.mapper);

	@Test
	void theStartOfAChildIsMaskedAsItsPlansArgumentsAreAndItsIdIsShown() {
		assertThat(this.redaction.stepInput(StepKind.CHILD, "kid", json("[\"ann@example.com\", 3]")))
			.isEqualTo(json("[\"" + Sensitive.MASK + "\", 3]"));
		assertThat(this.redaction.stepOutput(StepKind.CHILD, "kid", json("\"0b5c\""))).isEqualTo(json("\"0b5c\""));
		assertThat(this.redaction.stepInput(StepKind.CHILD, "other", json("[\"ann\"]"))).isEqualTo(json("[\"ann\"]"));
	}

	@Test
	void theWaitForAChildMasksTheResultOfAPlanWhoseResultIsSensitive() {
		JsonNode masked = this.redaction.stepOutput(StepKind.CHILD, RunContext.AWAIT,
				json("{\"run\":\"0b5c\",\"name\":\"kid\",\"status\":\"SUCCEEDED\",\"result\":{\"card\":\"x\"}}"));
		assertThat(masked.get("result").asString()).isEqualTo(Sensitive.MASK);
		assertThat(masked.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode shown = this.redaction.stepOutput(StepKind.CHILD, RunContext.AWAIT,
				json("{\"run\":\"0b5c\",\"name\":\"other\",\"status\":\"SUCCEEDED\",\"result\":\"fine\"}"));
		assertThat(shown.get("result").asString()).isEqualTo("fine");
	}

	private JsonNode json(String text) {
		return this.mapper.readTree(text);
	}

}
