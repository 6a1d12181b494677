package dev.guardedagents.llm;

import dev.guardedagents.guard.ToolGuards;
import dev.guardedagents.run.AgentRunRegistry;
import dev.guardedagents.run.ExternalSteps;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two advisors a {@code ChatClient} gets: one that guards the tools of a request,
 * outside Spring AI's tool loop, and one that journals each model call, inside it. Add
 * both to a {@code ChatClient} built by hand ({@code ChatClient.builder(model)
 * .defaultAdvisors(advisors.tools(), advisors.model())}). Internal: not API.
 */
public final class GuardedChatAdvisors {

	private final GuardedToolsAdvisor tools;

	private final GuardedModelAdvisor model;

	/**
	 * Creates the advisors.
	 * @param steps the steps of runs
	 * @param guards the guards of tools and models
	 * @param registry the registry of advised tool methods
	 * @param pricing the pricing table
	 * @param mapper the JSON mapper for the journal's records
	 * @param prompts the versioned prompts, if any
	 */
	public GuardedChatAdvisors(ExternalSteps steps, ToolGuards guards, AgentRunRegistry registry, ModelPricing pricing,
			JsonMapper mapper, @Nullable ClasspathPrompts prompts) {
		this.tools = new GuardedToolsAdvisor(steps, guards, registry);
		this.model = new GuardedModelAdvisor(steps, guards, pricing, new ChatRecords(mapper), prompts);
	}

	/**
	 * Returns the advisor that guards the tools of a request.
	 * @return the advisor
	 */
	public GuardedToolsAdvisor tools() {
		return this.tools;
	}

	/**
	 * Returns the advisor that journals model calls.
	 * @return the advisor
	 */
	public GuardedModelAdvisor model() {
		return this.model;
	}

}
