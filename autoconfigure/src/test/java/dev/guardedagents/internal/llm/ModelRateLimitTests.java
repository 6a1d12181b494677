package dev.guardedagents.internal.llm;

import java.time.Duration;
import java.util.List;

import dev.guardedagents.AgentRuns;
import dev.guardedagents.StepView;
import dev.guardedagents.internal.llm.ModelTestApplication.Budgeted;
import dev.guardedagents.internal.store.JdbcRunStore;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rate limits of models ({@code guarded-agents.models.<model>.rate-limit.*}), through
 * Spring AI's real OpenAI client against the local stub: calls beyond the limit wait
 * instead of failing, and a call that would wait longer than allowed fails before it
 * reaches the provider.
 */
class ModelRateLimitTests extends ModelTestSupport {

	@Autowired
	Budgeted agent;

	@Autowired
	AgentRuns runs;

	@Autowired
	JdbcRunStore store;

	@Test
	void callsBeyondTheRequestRateWaitInsteadOfFailing() {
		openAi.answer("paced-calls", "ok", 10, 1);

		long start = System.nanoTime();
		assertThat(this.agent.askWith("gpt-lab-paced", "paced-calls", 5)).isEqualTo("ok ok ok ok ok");
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		// 120 a minute is one call every half second: the fifth goes 2 s after the first
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
		assertThat(openAi.requests("paced-calls")).isEqualTo(5);
		List<StepView> steps = this.runs.steps(latestRun());
		assertThat(steps).hasSize(5).allSatisfy((step) -> {
			assertThat(step.succeeded()).isTrue();
			assertThat(step.attempts()).isEqualTo(1);
		});
	}

	@Test
	void aCallThatWouldWaitLongerThanItsModelAllowsFailsBeforeItReachesTheProvider() {
		openAi.answer("once-a-minute", "first", 10, 1);
		assertThat(this.agent.askWith("gpt-lab-once", "once-a-minute", 1)).isEqualTo("first");

		assertThatExceptionOfType(RequestNotPermitted.class)
			.isThrownBy(() -> this.agent.askWith("gpt-lab-once", "once-a-minute", 1))
			.withMessageContaining("guarded-agents.models.gpt-lab-once.rate-limit.requests-per-minute");

		assertThat(openAi.requests("once-a-minute")).isEqualTo(1);
	}

	@Test
	void theTokensACallUsedMakeTheNextCallWait() {
		openAi.answer("token-heavy", "long answer", 1000, 200);
		assertThat(this.agent.askWith("gpt-lab-tokens", "token-heavy", 1)).isEqualTo("long answer");

		// 1,200 tokens at 600 a minute take two minutes to fit, longer than max-wait
		assertThatExceptionOfType(RequestNotPermitted.class)
			.isThrownBy(() -> this.agent.askWith("gpt-lab-tokens", "token-heavy", 1))
			.withMessageContaining("guarded-agents.models.gpt-lab-tokens.rate-limit.tokens-per-minute");

		assertThat(openAi.requests("token-heavy")).isEqualTo(1);
	}

	private String latestRun() {
		return this.store.list(null, "asked-with", null, 0, 1).runs().get(0).id();
	}

}
