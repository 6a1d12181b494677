package dev.guardedagents.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
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
 * A small deterministic model for the quick start: it classifies tickets by keywords, so
 * the sample runs without a key and without a network, and reports token usage so that
 * cost shows in {@code agentruns}; it streams a short reply to a ticket word by word.
 * Used unless {@code OPENAI_API_KEY} is set.
 */
public class OfflineChatModel implements ChatModel {

	static final String MODEL = "offline-triage";

	@Override
	public ChatResponse call(Prompt prompt) {
		String text = prompt.getContents().toLowerCase(Locale.ROOT);
		return response(category(text), inputTokens(text), 1, "STOP");
	}

	/**
	 * Streams a reply to a ticket word by word, the usage on the last chunk.
	 */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		String text = prompt.getContents().toLowerCase(Locale.ROOT);
		String[] words = ("Thank you for writing to us. We have filed your " + category(text)
				+ " ticket and will get back to you today.")
			.split("(?<= )");
		List<ChatResponse> chunks = new ArrayList<>();
		for (int i = 0; i < words.length; i++) {
			boolean last = i == words.length - 1;
			chunks.add(response(words[i], last ? inputTokens(text) : 0, last ? words.length : 0, last ? "STOP" : null));
		}
		return Flux.fromIterable(chunks);
	}

	private static String category(String text) {
		String ticket = text.contains("ticket:") ? text.substring(text.lastIndexOf("ticket:")) : text;
		if (ticket.contains("refund") || ticket.contains("charge")) {
			return "billing";
		}
		if (ticket.contains("error") || ticket.contains("crash")) {
			return "technical";
		}
		return "general";
	}

	private static int inputTokens(String text) {
		return text.split("\\s+").length * 4 / 3;
	}

	private static ChatResponse response(String content, int input, int output, @Nullable String finishReason) {
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().model(MODEL);
		if (input + output > 0) {
			metadata.usage(new DefaultUsage(input, output, input + output));
		}
		AssistantMessage message = AssistantMessage.builder().content(content).build();
		Generation generation = (finishReason != null)
				? new Generation(message, ChatGenerationMetadata.builder().finishReason(finishReason).build())
				: new Generation(message);
		return ChatResponse.builder().generations(List.of(generation)).metadata(metadata.build()).build();
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().model(MODEL).build();
	}

}
