package dev.guardedagents.benchmarks;

import java.util.List;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * A model that answers at once with a fixed response and usage: what remains of a model
 * call is the cost of Spring AI's client and of our advisors.
 */
public class InstantChatModel implements ChatModel {

	@Override
	public ChatResponse call(Prompt prompt) {
		return ChatResponse.builder()
			.generations(List.of(new Generation(AssistantMessage.builder().content("ok").build(),
					ChatGenerationMetadata.builder().finishReason("STOP").build())))
			.metadata(ChatResponseMetadata.builder()
				.id("bench")
				.model("bench-model")
				.usage(new DefaultUsage(120, 8, 128))
				.build())
			.build();
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().model("bench-model").build();
	}

}
