package dev.guardedagents.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

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
 * A {@code ChatModel} that answers from a script, one queued answer per call, and keeps
 * the requests it received: text, a call of a tool with its arguments (Spring AI's tool
 * loop then calls the tool and asks again), usage, failures and delays. A call with no
 * answer left fails with a message that shows the request, so a test says what it forgot
 * to script. Streamed calls ({@code ChatClient.stream()}) get the same answers, word by
 * word.
 */
public class ScriptedChatModel implements ChatModel {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The model name the scripted answers carry.
	 */
	public static final String MODEL = "scripted";

	private final Deque<Answer> script = new ArrayDeque<>();

	private final List<Prompt> requests = new ArrayList<>();

	private final AtomicInteger ids = new AtomicInteger();

	/**
	 * Queues a text answer with 10 input and 5 output tokens.
	 * @param text the text
	 * @return this model
	 */
	public ScriptedChatModel answer(String text) {
		return answer(text, 10, 5);
	}

	/**
	 * Queues a text answer with the given usage.
	 * @param text the text
	 * @param inputTokens the input tokens reported
	 * @param outputTokens the output tokens reported
	 * @return this model
	 */
	public synchronized ScriptedChatModel answer(String text, int inputTokens, int outputTokens) {
		this.script.add(new Answer(AssistantMessage.builder().content(text).build(), "STOP", inputTokens, outputTokens,
				null, Duration.ZERO));
		return this;
	}

	/**
	 * Queues an answer whose text is an object written as JSON, for a call that reads the
	 * answer as an entity ({@code .call().entity(Type.class)}).
	 * @param entity the object
	 * @return this model
	 */
	public ScriptedChatModel answerEntity(Object entity) {
		return answer(JSON.writeValueAsString(entity));
	}

	/**
	 * Queues an answer that calls a tool.
	 * @param tool the tool name, as the model sees it
	 * @param arguments the arguments, as JSON
	 * @return this model
	 */
	public synchronized ScriptedChatModel callTool(String tool, String arguments) {
		AssistantMessage.ToolCall call = new AssistantMessage.ToolCall("call_" + this.ids.incrementAndGet(), "function",
				tool, arguments);
		this.script.add(new Answer(AssistantMessage.builder().content("").toolCalls(List.of(call)).build(),
				"TOOL_CALLS", 10, 5, null, Duration.ZERO));
		return this;
	}

	/**
	 * Queues a failure: the call throws it.
	 * @param failure the failure
	 * @return this model
	 */
	public synchronized ScriptedChatModel fail(RuntimeException failure) {
		this.script.add(new Answer(null, null, 0, 0, failure, Duration.ZERO));
		return this;
	}

	/**
	 * Makes the last queued answer take a while.
	 * @param delay how long the call takes before it answers
	 * @return this model
	 * @throws IllegalStateException if nothing is queued
	 */
	public synchronized ScriptedChatModel after(Duration delay) {
		Answer last = this.script.pollLast();
		if (last == null) {
			throw new IllegalStateException("Queue an answer before saying how long it takes");
		}
		this.script.add(new Answer(last.message(), last.finishReason(), last.inputTokens(), last.outputTokens(),
				last.failure(), delay));
		return this;
	}

	/**
	 * Returns the requests received, in order.
	 * @return the requests
	 */
	public synchronized List<Prompt> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * Returns how many answers are still queued.
	 * @return the answers left
	 */
	public synchronized int remaining() {
		return this.script.size();
	}

	/**
	 * Forgets the script and the requests.
	 */
	public synchronized void reset() {
		this.script.clear();
		this.requests.clear();
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		Answer answer;
		synchronized (this) {
			this.requests.add(prompt);
			answer = this.script.poll();
		}
		if (answer == null) {
			throw new IllegalStateException("ScriptedChatModel has no answer left for request " + requests().size()
					+ " (" + prompt.getInstructions().size() + " messages, the last: "
					+ prompt.getInstructions().get(prompt.getInstructions().size() - 1).getText()
					+ "); queue one with answer(..), callTool(..) or fail(..)");
		}
		if (!answer.delay().isZero()) {
			try {
				Thread.sleep(answer.delay().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while answering", ex);
			}
		}
		if (answer.failure() != null) {
			throw answer.failure();
		}
		return ChatResponse.builder()
			.generations(List.of(new Generation(answer.message(),
					ChatGenerationMetadata.builder().finishReason(answer.finishReason()).build())))
			.metadata(ChatResponseMetadata.builder()
				.id("scripted-" + requests().size())
				.model(MODEL)
				.usage(new DefaultUsage(answer.inputTokens(), answer.outputTokens(),
						answer.inputTokens() + answer.outputTokens()))
				.build())
			.build();
	}

	/**
	 * Streams the next scripted answer: its text word by word, each word a chunk, the
	 * last chunk with the finish reason and the usage; a tool call or a failure as one
	 * chunk or error, as {@link #call(Prompt)} answers it.
	 * @param prompt the request
	 * @return the chunks
	 */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			ChatResponse whole = call(prompt);
			AssistantMessage message = whole.getResult().getOutput();
			String text = message.getText();
			if (message.hasToolCalls() || text == null || text.isEmpty()) {
				return Flux.just(whole);
			}
			String[] words = text.split("(?<= )");
			List<ChatResponse> chunks = new ArrayList<>();
			for (int i = 0; i < words.length - 1; i++) {
				chunks.add(ChatResponse.builder()
					.generations(List.of(new Generation(AssistantMessage.builder().content(words[i]).build())))
					.metadata(ChatResponseMetadata.builder()
						.id(whole.getMetadata().getId())
						.model(whole.getMetadata().getModel())
						.build())
					.build());
			}
			chunks.add(ChatResponse.builder()
				.from(whole)
				.generations(List.of(new Generation(AssistantMessage.builder().content(words[words.length - 1]).build(),
						whole.getResult().getMetadata())))
				.build());
			return Flux.fromIterable(chunks);
		});
	}

	@Override
	public ChatOptions getOptions() {
		return ToolCallingChatOptions.builder().model(MODEL).build();
	}

	/**
	 * A queued answer.
	 */
	private record Answer(AssistantMessage message, String finishReason, int inputTokens, int outputTokens,
			RuntimeException failure, Duration delay) {
	}

}
