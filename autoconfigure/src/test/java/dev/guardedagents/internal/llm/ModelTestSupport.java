package dev.guardedagents.internal.llm;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The context shared by the model tests: the agent of {@link ModelTestApplication} on
 * Spring AI's OpenAI client, pointed at one local stub for the whole test JVM, with a
 * pricing table, budget profiles and policies.
 */
@SpringBootTest(classes = ModelTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "guarded-agents.instance-id=models", "guarded-agents.pricing.gpt-lab.input-per-million=2.50",
				"guarded-agents.pricing.gpt-lab.output-per-million=10.00",
				"guarded-agents.pricing.gpt-lab.cached-input-per-million=1.25",
				"guarded-agents.budgets.halt.max-cost=0.50", "guarded-agents.budgets.degrade.max-cost=0.50",
				"guarded-agents.budgets.degrade.on-exceeded=degrade",
				"guarded-agents.budgets.degrade.degrade-to=gpt-lab-mini",
				"guarded-agents.budgets.escalate.max-model-calls=1",
				"guarded-agents.budgets.escalate.on-exceeded=escalate",
				"guarded-agents.policies.patterns.card-number.regex=\\\\b(?:\\\\d[ -]?){13,16}\\\\b",
				"guarded-agents.policies.patterns.card-number.applies-to=output",
				"guarded-agents.policies.patterns.secret.regex=SECRET-\\\\d+",
				"guarded-agents.policies.patterns.secret.applies-to=input",
				"guarded-agents.policies.patterns.secret.verdict=review",
				"guarded-agents.models.gpt-lab-reviewed.on-failure=human-review",
				"guarded-agents.models.gpt-lab-reviewed.max-attempts=1",
				"guarded-agents.models.gpt-lab-reviewed.circuit-breaker.enabled=false",
				"guarded-agents.models.gpt-lab-slow.timeout=500ms", "guarded-agents.models.gpt-lab-slow.max-attempts=2",
				"guarded-agents.models.gpt-lab-slow.backoff.initial=10ms",
				"guarded-agents.models.gpt-lab-slow.circuit-breaker.enabled=false",
				"guarded-agents.models.gpt-lab-paced.rate-limit.requests-per-minute=120",
				"guarded-agents.models.gpt-lab-once.rate-limit.requests-per-minute=1",
				"guarded-agents.models.gpt-lab-once.rate-limit.max-wait=100ms",
				"guarded-agents.models.gpt-lab-once.max-attempts=1",
				"guarded-agents.models.gpt-lab-tokens.rate-limit.tokens-per-minute=600",
				"guarded-agents.models.gpt-lab-tokens.rate-limit.max-wait=1s",
				"guarded-agents.models.gpt-lab-tokens.max-attempts=1",
				"guarded-agents.tools.lookupStock.on-failure=human-review",
				"guarded-agents.tools.lookupStock.max-attempts=1", "logging.level.root=warn" })
abstract class ModelTestSupport {

	static final OpenAiStub openAi = new OpenAiStub();

	@DynamicPropertySource
	static void openAi(DynamicPropertyRegistry registry) {
		openAi.register(registry);
	}

}
