package dev.guardedagents.sample;

import java.util.List;
import java.util.Locale;

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
 * A small deterministic model for the quick start: it classifies tickets by keywords, so
 * the sample runs without a key and without a network, and reports token usage so that
 * cost shows in {@code agentruns}. Used unless {@code OPENAI_API_KEY} is set.
 */
public class OfflineChatModel implements ChatModel {

	static final String MODEL = "offline-triage";

	@Override
	public ChatResponse call(Prompt prompt) {
		String text = prompt.getContents().toLowerCase(Locale.ROOT);
		String ticket = text.contains("ticket:") ? text.substring(text.lastIndexOf("ticket:")) : text;
		String category = "general";
		if (ticket.contains("refund") || ticket.contains("charge")) {
			category = "billing";
		}
		else if (ticket.contains("error") || ticket.contains("crash")) {
			category = "technical";
		}
		int input = text.split("\\s+").length * 4 / 3;
		return ChatResponse.builder()
			.generations(List.of(new Generation(AssistantMessage.builder().content(category).build(),
					ChatGenerationMetadata.builder().finishReason("STOP").build())))
			.metadata(ChatResponseMetadata.builder().model(MODEL).usage(new DefaultUsage(input, 1, input + 1)).build())
			.build();
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().model(MODEL).build();
	}

}
