package dev.guardedagents.internal.llm;

import dev.guardedagents.GuardedChatAdvisors;
import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.ExternalSteps;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two advisors of {@link GuardedChatAdvisors}: one that guards the tools of a
 * request, outside Spring AI's tool loop, and one that journals each model call, inside
 * it.
 */
public final class ChatAdvisors implements GuardedChatAdvisors {

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
	public ChatAdvisors(ExternalSteps steps, ToolGuards guards, AgentRunRegistry registry, ModelPricing pricing,
			JsonMapper mapper, @Nullable ClasspathPrompts prompts) {
		this.tools = new GuardedToolsAdvisor(steps, guards, registry);
		this.model = new GuardedModelAdvisor(steps, guards, pricing, new ChatRecords(mapper), prompts);
	}

	@Override
	public GuardedToolsAdvisor tools() {
		return this.tools;
	}

	@Override
	public GuardedModelAdvisor model() {
		return this.model;
	}

}
