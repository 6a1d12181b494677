package dev.guardedagents.internal.llm;

import java.util.ArrayList;
import java.util.List;

import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.ExternalSteps;

import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Puts each tool of a request behind a {@link GuardedToolCallback} before Spring AI's
 * tool loop sees it. Internal: not API.
 */
public final class GuardedToolsAdvisor implements CallAdvisor {

	/**
	 * The order: outside the tool-calling loop.
	 */
	public static final int ORDER = ToolCallingAdvisor.DEFAULT_ORDER - 100;

	private final ExternalSteps steps;

	private final ToolGuards guards;

	private final AgentRunRegistry registry;

	GuardedToolsAdvisor(ExternalSteps steps, ToolGuards guards, AgentRunRegistry registry) {
		this.steps = steps;
		this.guards = guards;
		this.registry = registry;
	}

	@Override
	public String getName() {
		return "Guarded Agents tools";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
		if (!(request.prompt().getOptions() instanceof ToolCallingChatOptions options)
				|| options.getToolCallbacks() == null || options.getToolCallbacks().isEmpty()) {
			return chain.nextCall(request);
		}
		List<ToolCallback> guarded = new ArrayList<>();
		for (ToolCallback callback : options.getToolCallbacks()) {
			guarded.add((callback instanceof GuardedToolCallback) ? callback
					: new GuardedToolCallback(callback, this.steps, this.guards, this.registry));
		}
		ToolCallingChatOptions guardedOptions = (ToolCallingChatOptions) options.mutate()
			.toolCallbacks(guarded)
			.build();
		return chain
			.nextCall(request.mutate().prompt(request.prompt().mutate().chatOptions(guardedOptions).build()).build());
	}

}
