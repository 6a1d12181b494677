package dev.guardedagents.internal.llm;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.guardedagents.internal.run.ModelRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * What the journal keeps of a model call: our own records, since a {@link ChatResponse}
 * cannot be read back from JSON. A replayed response carries the text, tool calls, finish
 * reason, id, model and usage: what the tool loop and the caller read.
 */
final class ChatRecords {

	private static final String EMPTY_MESSAGES = ",\"messages\":[]}";

	private final JsonMapper mapper;

	ChatRecords(JsonMapper mapper) {
		this.mapper = mapper;
	}

	ModelRequest writeRequest(Prompt prompt, @Nullable String model) {
		Map<String, Object> options = new LinkedHashMap<>();
		ChatOptions chatOptions = prompt.getOptions();
		if (chatOptions != null) {
			put(options, "temperature", chatOptions.getTemperature());
			put(options, "maxTokens", chatOptions.getMaxTokens());
			put(options, "topP", chatOptions.getTopP());
			put(options, "topK", chatOptions.getTopK());
			put(options, "frequencyPenalty", chatOptions.getFrequencyPenalty());
			put(options, "presencePenalty", chatOptions.getPresencePenalty());
			put(options, "stopSequences", chatOptions.getStopSequences());
		}
		List<String> messages = new ArrayList<>();
		for (Message message : prompt.getInstructions()) {
			List<AssistantMessage.ToolCall> calls = (message instanceof AssistantMessage assistant)
					? assistant.getToolCalls() : List.of();
			List<ToolResponseMessage.ToolResponse> responses = (message instanceof ToolResponseMessage tool)
					? tool.getResponses() : List.of();
			messages.add(this.mapper.writeValueAsString(
					new MessageRecord(message.getMessageType().getValue(), message.getText(), calls, responses)));
		}
		// the fields before the messages, as the record writes them
		String empty = this.mapper.writeValueAsString(new RequestRecord(model, options, List.of()));
		return new ModelRequest(empty.substring(0, empty.length() - EMPTY_MESSAGES.length()), messages);
	}

	private static void put(Map<String, Object> options, String key, @Nullable Object value) {
		if (value != null) {
			options.put(key, value);
		}
	}

	ResponseRecord record(ChatResponse response) {
		List<GenerationRecord> generations = new ArrayList<>();
		for (Generation generation : response.getResults()) {
			AssistantMessage output = generation.getOutput();
			generations.add(new GenerationRecord(output.getText(), output.getToolCalls(),
					generation.getMetadata().getFinishReason()));
		}
		ChatResponseMetadata metadata = response.getMetadata();
		Usage usage = metadata.getUsage();
		UsageRecord tokens = new UsageRecord(orZero(usage.getPromptTokens()), orZero(usage.getCompletionTokens()),
				orZero(usage.getTotalTokens()), usage.getCacheReadInputTokens(), usage.getCacheWriteInputTokens(),
				reasoningTokens(usage.getNativeUsage()));
		return new ResponseRecord(metadata.getId(), metadata.getModel(), generations, tokens);
	}

	/**
	 * The record of a response a reviewer supplied for a model call that failed: the
	 * assistant's text, no usage.
	 * @param text the text, as a JSON string
	 * @param model the model asked
	 */
	String supplied(String text, @Nullable String model) {
		return write(new ResponseRecord(null, model,
				List.of(new GenerationRecord(this.mapper.readValue(text, String.class), List.of(), "STOP")),
				new UsageRecord(0, 0, 0, null, null, null)));
	}

	String write(ResponseRecord record) {
		return this.mapper.writeValueAsString(record);
	}

	ChatResponse read(String json) {
		ResponseRecord record = this.mapper.readValue(json, ResponseRecord.class);
		List<Generation> generations = new ArrayList<>();
		for (GenerationRecord generation : record.generations()) {
			AssistantMessage message = AssistantMessage.builder()
				.content(generation.text())
				.toolCalls((generation.toolCalls() != null) ? generation.toolCalls() : List.of())
				.build();
			generations.add(new Generation(message,
					ChatGenerationMetadata.builder().finishReason(generation.finishReason()).build()));
		}
		UsageRecord usage = record.usage();
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder()
			.usage(new DefaultUsage(Math.toIntExact(usage.input()), Math.toIntExact(usage.output()),
					Math.toIntExact(usage.total()), null, usage.cacheRead(), usage.cacheWrite()));
		if (record.id() != null) {
			metadata.id(record.id());
		}
		if (record.model() != null) {
			metadata.model(record.model());
		}
		return ChatResponse.builder().generations(generations).metadata(metadata.build()).build();
	}

	private static long orZero(@Nullable Integer value) {
		return (value != null) ? value : 0;
	}

	/**
	 * Reads reasoning tokens from a provider's own usage object where it has them (the
	 * OpenAI SDK's {@code completionTokensDetails().reasoningTokens()}), without
	 * depending on the provider.
	 */
	static @Nullable Long reasoningTokens(@Nullable Object nativeUsage) {
		if (nativeUsage == null) {
			return null;
		}
		try {
			Object details = invoke(nativeUsage, "completionTokensDetails");
			Object reasoning = (details != null) ? invoke(details, "reasoningTokens") : null;
			return (reasoning instanceof Number number) ? number.longValue() : null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	private static @Nullable Object invoke(Object target, String name) throws ReflectiveOperationException {
		Method method = target.getClass().getMethod(name);
		Object value = method.invoke(target);
		return (value instanceof Optional<?> optional) ? optional.orElse(null) : value;
	}

	/**
	 * A model request as journaled (its messages each written on their own, see
	 * {@link ModelRequest}).
	 *
	 * @param model the model asked
	 * @param options the options that shape the answer
	 * @param messages the conversation sent
	 */
	record RequestRecord(@Nullable String model, Map<String, Object> options, List<MessageRecord> messages) {
	}

	/**
	 * A message of a request.
	 *
	 * @param role the role
	 * @param text the text
	 * @param toolCalls the tool calls of an assistant message
	 * @param toolResponses the answers of a tool message
	 */
	record MessageRecord(String role, @Nullable String text, List<AssistantMessage.ToolCall> toolCalls,
			List<ToolResponseMessage.ToolResponse> toolResponses) {
	}

	/**
	 * A model response as journaled.
	 *
	 * @param id the provider's response id
	 * @param model the model that answered
	 * @param generations the generations
	 * @param usage the tokens
	 */
	record ResponseRecord(@Nullable String id, @Nullable String model, List<GenerationRecord> generations,
			UsageRecord usage) {
	}

	/**
	 * One generation of a response.
	 *
	 * @param text the text
	 * @param toolCalls the tools the model asked for
	 * @param finishReason why the model stopped
	 */
	record GenerationRecord(@Nullable String text, @Nullable List<AssistantMessage.ToolCall> toolCalls,
			@Nullable String finishReason) {
	}

	/**
	 * The tokens of a call.
	 *
	 * @param input the input tokens
	 * @param output the output tokens
	 * @param total the total tokens
	 * @param cacheRead the input tokens read from the cache
	 * @param cacheWrite the input tokens written to the cache
	 * @param reasoning the reasoning tokens
	 */
	record UsageRecord(long input, long output, long total, @Nullable Long cacheRead, @Nullable Long cacheWrite,
			@Nullable Long reasoning) {
	}

}
