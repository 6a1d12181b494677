package dev.guardedagents.internal.llm;

import java.util.ArrayList;
import java.util.List;

import dev.guardedagents.internal.guard.ToolGuards;
import dev.guardedagents.internal.run.AgentRunRegistry;
import dev.guardedagents.internal.run.ExternalSteps;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Puts each tool of a request behind a {@link GuardedToolCallback} before Spring AI's
 * tool loop sees it. Internal: not API.
 */
public final class GuardedToolsAdvisor implements CallAdvisor, StreamAdvisor {

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
		return chain.nextCall(guarded(request, null));
	}

	/**
	 * Streams a call whose tools are guarded. Inside a run, the run is carried in the
	 * request's context to the threads Spring AI's tool loop continues on, where the
	 * model calls and tools of the stream are steps of the run, and the run's thread
	 * waits until the stream ends: the chunks reach the subscriber as they come, and the
	 * plan goes on only once the stream's steps are journaled.
	 */
	@Override
	public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
		if (this.steps.carry() == null) {
			return chain.nextStream(guarded(request, null));
		}
		return Streams.waitedFor((sink) -> {
			// taken at each subscription: a new subscription carries the run anew
			ExternalSteps.Carried run = this.steps.carry();
			if (run == null) {
				Streams.drain(chain.nextStream(guarded(request, null)), sink::next);
				return;
			}
			ChatClientRequest carried = guarded(request, run).mutate()
				.context(GuardedModelAdvisor.CARRIED_RUN, run)
				.build();
			try {
				Streams.drain(chain.nextStream(carried), sink::next);
			}
			finally {
				run.close();
			}
		});
	}

	private ChatClientRequest guarded(ChatClientRequest request, ExternalSteps.@Nullable Carried run) {
		if (!(request.prompt().getOptions() instanceof ToolCallingChatOptions options)
				|| options.getToolCallbacks() == null || options.getToolCallbacks().isEmpty()) {
			return request;
		}
		List<ToolCallback> guarded = new ArrayList<>();
		for (ToolCallback callback : options.getToolCallbacks()) {
			guarded.add((callback instanceof GuardedToolCallback) ? callback
					: new GuardedToolCallback(callback, this.steps, this.guards, this.registry, run));
		}
		ToolCallingChatOptions guardedOptions = (ToolCallingChatOptions) options.mutate()
			.toolCallbacks(guarded)
			.build();
		return request.mutate().prompt(request.prompt().mutate().chatOptions(guardedOptions).build()).build();
	}

}
