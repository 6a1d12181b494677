package example;

import dev.guardedagents.testing.GuardedAgentsTest;
import dev.guardedagents.testing.ScriptedChatModel;
import dev.guardedagents.testing.TestRuns;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

@GuardedAgentsTest(properties = { "guarded-agents.pricing.scripted.input-per-million=1",
		"guarded-agents.pricing.scripted.output-per-million=2" })
class GreeterTests {

	@Autowired
	Greeter greeter;

	@Autowired
	Mailer mailer;

	@Autowired
	ScriptedChatModel model;

	@Autowired
	TestRuns runs;

	@Test
	void aCrashAfterTheModelCallSendsOneMailAndAsksTheModelOnce() {
		this.model.answer("Hello Ann");
		this.runs.crashAfter("chat");

		String runId = this.runs.start(() -> this.greeter.greet("ann"));
		this.runs.restart();

		this.runs.assertThat(runId)
			.succeeded()
			.hasResult("\"sent to ann: Hello Ann\"")
			.hasSteps("chat", "send-mail")
			.hasModelCalls(1)
			.step("send-mail")
			.ranOnce();
		assertThat(this.model.requests()).hasSize(1);
		assertThat(this.mailer.sent()).isEqualTo(1);
	}

}
