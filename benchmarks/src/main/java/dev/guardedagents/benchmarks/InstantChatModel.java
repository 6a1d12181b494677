package dev.guardedagents.benchmarks;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Flux;

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
 * call is the cost of Spring AI's client and of our advisors. It streams too.
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

	/**
	 * Streams the same answer at once in four chunks, the usage on the last.
	 */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		List<ChatResponse> chunks = new ArrayList<>();
		for (String text : List.of("o", "k", " o", "k")) {
			chunks.add(ChatResponse.builder()
				.generations(List.of(new Generation(AssistantMessage.builder().content(text).build())))
				.metadata(ChatResponseMetadata.builder().id("bench").model("bench-model").build())
				.build());
		}
		chunks.set(chunks.size() - 1, call(prompt));
		return Flux.fromIterable(chunks);
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().model("bench-model").build();
	}

}
